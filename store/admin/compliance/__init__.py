"""Back office: compliance. The claims lexicon (the owner's conditions and phrases), the overrides with their
evidence, a screen to try copy against, and customers' problem reports."""

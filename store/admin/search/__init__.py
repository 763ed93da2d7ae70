"""Back office over search: the synonyms shoppers' words are matched with (views, forms, services)."""

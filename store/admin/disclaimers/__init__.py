"""Back office, disclaimers: every save is a new version."""

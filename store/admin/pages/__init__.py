"""Back office, policy and help pages (each save a new version, owner only) and the contact messages."""

"""Back office, catalog: products, variants and their pictures."""

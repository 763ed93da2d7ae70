"""Back office: discount codes (owner only), shipping zones and methods, tax rates."""

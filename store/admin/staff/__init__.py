"""Back office: staff management (owner only): who may use the back office, with which role."""

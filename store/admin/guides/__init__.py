"""Back office, guides: create and edit with preview, publish and unpublish."""

"""Claims tests reuse the admin clients (signed-in owner)."""
from tests.admin.conftest import admin_client, admin_user  # noqa: F401

"""Search tests reuse the back office's signed-in clients."""
from tests.admin.conftest import admin_client, admin_user  # noqa: F401

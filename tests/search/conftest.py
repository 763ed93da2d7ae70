"""Search tests reuse the back office's signed-in clients."""
from tests.admin.conftest import admin_client, admin_user  # noqa: F401
from tests.scale.conftest import make_app  # noqa: F401,E402  (another app instance, e.g. rate limits on)

"""Pricing tests use the back-office fixtures."""
from tests.admin.conftest import admin_client, admin_user  # noqa: F401

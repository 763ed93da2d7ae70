"""Admin test helpers: signed-in admin and customer clients, a private upload folder."""
from __future__ import annotations

import pytest


@pytest.fixture
def admin_user(make_user):
    return make_user(email="boss@kneadwell.test", role="admin", name="Ada Admin")


@pytest.fixture
def admin_client(app, admin_user, login_as):
    client = app.test_client()
    login_as(client, admin_user)
    return client


@pytest.fixture
def customer_client(app, make_user, login_as):
    client = app.test_client()
    login_as(client, make_user(email="customer@example.com", role="customer"))
    return client


@pytest.fixture
def upload_folder(app, tmp_path):
    """A folder nothing may write to: pictures live in the database (store/media), UPLOAD_FOLDER is gone."""
    return tmp_path / "uploads"


from tests.factories import png_bytes  # noqa: E402,F401  (the builder lives in tests/factories.py)


def audit_rows(db, action=None):
    from sqlalchemy import select

    from store.admin.audit.models import AuditLog
    stmt = select(AuditLog).order_by(AuditLog.id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return list(db.session.scalars(stmt))

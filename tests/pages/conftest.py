"""Pages test helpers: the demo pages seeded, admin clients by role."""
from __future__ import annotations

import pytest

from tests.admin.conftest import admin_client, admin_user  # noqa: F401  (the shared signed-in admin)
from tests.scale.conftest import make_app  # noqa: F401  (another app instance, limiter state put back)


@pytest.fixture
def seeded_pages(db):
    from store.pages.seed import seed_pages
    seed_pages()
    db.session.commit()


@pytest.fixture
def staff_client(app, make_user, login_as):
    client = app.test_client()
    login_as(client, make_user(email="helper@kneadwell.test", role="staff"))
    return client

"""Fixtures for the robustness sweeps: a seeded store and a signed-in (or guest) client per role."""
from __future__ import annotations

import pytest

from tests.conftest import session_user_id

from tests.robustness.world import seed_world


@pytest.fixture
def world(app):
    with app.app_context():
        return seed_world()


@pytest.fixture
def role_client(world):
    """role_client(app, role): a client signed in as the customer or the admin, or a guest who holds the guest
    cart and placed the guest order."""
    def _make(app, role: str):
        client = app.test_client()
        with client.session_transaction() as session:
            if role == "customer":
                session["_user_id"], session["_fresh"] = session_user_id(app, world.customer_id), True
            elif role == "admin":
                session["_user_id"], session["_fresh"] = session_user_id(app, world.admin_id), True
            else:
                session["cart_token"] = world.guest_token
                session["checkout_orders"] = [world.guest_number]
        return client
    return _make

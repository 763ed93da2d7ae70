"""With CSRF on (as in production), every state-changing POST without a token is a 400 and changes nothing.
Only the Stripe webhook is exempt (it is authenticated by its signature instead)."""
from __future__ import annotations

import re

import pytest

from config import TestingConfig
from store import create_app
from store.extensions import db as _db
from tests.robustness.sweep import ROLES, Body, rule_paths, send
from tests.robustness.world import COUNTED_TABLES, snapshot, table_rows

EXEMPT = {"checkout.stripe_webhook"}


@pytest.fixture
def csrf_app(app, database_url):
    csrf_app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    yield csrf_app
    with csrf_app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app, csrf_app, world, role_client):
    with app.app_context():
        before, rows_before = snapshot(), table_rows(*COUNTED_TABLES[:12])
    problems, requests = [], 0
    rules = sorted((r for r in csrf_app.url_map.iter_rules() if "POST" in r.methods), key=lambda r: r.rule)
    assert len(rules) > 30
    bodies = [Body("no token, form fields", {"data": {"quantity": "1", "variant_id": str(world.variant_id),
                                                      "action": "pay", "amount": "1.00", "name": "x"}}),
              Body("no token, empty", {"data": {}}),
              Body("wrong token", {"data": {"csrf_token": "forged", "quantity": "1"}}),
              Body("token in header only, forged", {"data": {"quantity": "1"}, "headers": {"X-CSRFToken": "x"}})]
    for rule in rules:
        for role in ROLES:
            client = role_client(csrf_app, role)
            for path, valid in rule_paths(rule, world):
                if not valid:
                    continue
                for body in bodies:
                    status, error = send(client, "POST", path, body)
                    requests += 1
                    expected_ok = status is not None and (status < 500 if rule.endpoint in EXEMPT else status == 400)
                    if not expected_ok:
                        problems.append(f"POST {path} as {role} [{body.label}] -> {error or status}")
    with app.app_context():
        after, rows_after = snapshot(), table_rows(*COUNTED_TABLES[:12])
    assert not problems, f"{len(problems)} of {requests} POSTs were not refused:\n" + "\n".join(problems)
    assert before == after
    assert rows_before == rows_after


def test_the_same_post_with_its_token_goes_through(app, csrf_app, world, role_client):
    """The refusals above are about the token: with the token from the page, adding to the cart works."""
    client = role_client(csrf_app, "customer")
    page = client.get(f"/products/{world.product_slug}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    with app.app_context():
        lines_before = snapshot()["cart_lines"]
    spare = next(v for v in world.variant_ids if v not in (world.variant_id, world.other_variant_id))
    response = client.post("/cart/add", data={"csrf_token": token, "variant_id": spare, "quantity": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert snapshot()["cart_lines"] == lines_before + 1

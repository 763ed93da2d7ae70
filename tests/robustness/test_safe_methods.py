"""No link can change data: GET and HEAD never write, and every POST-only route refuses GET with a 405."""
from __future__ import annotations

from tests.robustness.sweep import ROLES, hostile_queries, rule_paths, send
from tests.robustness.world import snapshot


def test_no_get_or_head_changes_data(app, world, role_client):
    with app.app_context():
        before = snapshot()
    queries = hostile_queries()[:4] + ["next=/cart&action=pay&quantity=3&variant_id=1&remove=1&direction=up"]
    statuses = {}
    for role in ROLES:
        client = role_client(app, role)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            for path, valid in rule_paths(rule, world):
                if not valid:
                    continue
                for url in [path] + [f"{path}?{q}" for q in queries]:
                    for method in ("GET", "HEAD"):
                        status, error = send(client, method, url)
                        assert error is None, f"{method} {url} as {role}: {error}"
                        statuses[(url, role)] = status
    with app.app_context():
        after = snapshot()
    assert after == before
    # The pass really reached the pages (not a wall of redirects): the customer saw their order and checkout,
    # the admin the back office.
    w = world
    assert statuses[(f"/account/orders/{w.paid_number}", "customer")] == 200
    assert statuses[(f"/account/orders/{w.other_number}", "customer")] == 404
    assert statuses[("/checkout", "customer")] == 200
    assert statuses[(f"/checkout/demo-pay/{w.guest_number}", "anonymous")] == 200
    assert statuses[(f"/checkout/demo-pay/{w.pending_number}", "customer")] == 200
    assert statuses[(f"/admin/orders/{w.paid_id}", "admin")] == 200
    assert statuses[(f"/admin/variants/{w.variant_id}/stock", "admin")] == 200


def test_every_post_only_route_refuses_get_with_405(app, world, role_client):
    with_get = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods}
    post_only = [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.rule not in with_get]
    assert len(post_only) >= 20
    wrong = []
    with app.app_context():
        before = snapshot()
    for role in ROLES:
        client = role_client(app, role)
        for rule in post_only:
            for path, valid in rule_paths(rule, world):
                if valid:
                    for method in ("GET", "HEAD"):
                        status, error = send(client, method, path + "?action=pay&quantity=1&direction=up")
                        if status != 405:
                            wrong.append(f"{method} {path} as {role} -> {error or status}")
    with app.app_context():
        assert snapshot() == before
    assert not wrong, "\n".join(wrong)


def test_a_405_says_what_happened(app, world, role_client):
    client = role_client(app, "customer")
    response = client.get("/cart/clear")
    assert response.status_code == 405
    assert "That action is not available here." in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]

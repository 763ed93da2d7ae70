"""Every admin URL rule in the app's URL map is behind the gate: anonymous -> sign in, customer -> 403.
New admin pages are picked up automatically, so none can ship unguarded."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter


def _admin_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]
    assert len(rules) >= 15, "the admin blueprint should be registered with all its pages"
    return rules


def _url(app, rule):
    values = {}
    for name, converter in rule._converters.items():
        values[name] = 1 if isinstance(converter, IntegerConverter) else "product"
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values)


def _requests(app):
    for rule in _admin_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, _url(app, rule)
        if "GET" in rule.methods and "POST" in rule.methods:
            yield rule.endpoint, "POST", _url(app, rule)


def test_every_admin_rule_refuses_anonymous_users(app):
    client = app.test_client()
    checked = 0
    for endpoint, method, url in _requests(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/login" in response.headers["Location"] and "next=" in response.headers["Location"]
        checked += 1
    assert checked >= 15


def test_every_admin_rule_refuses_customers(app, customer_client):
    for endpoint, method, url in _requests(app):
        response = customer_client.open(url, method=method)
        assert response.status_code == 403, (endpoint, method, response.status_code)
        assert "administrators" in response.get_data(as_text=True)


def test_admin_reaches_the_dashboard_and_the_nav_link(app, admin_client):
    response = admin_client.get("/admin/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Dashboard</h1>" in html and 'aria-label="Back office"' in html
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/admin/", "/admin/products", "/admin/audit", "/admin/inventory",
                                  "/admin/disclaimers"])
def test_admin_pages_render_for_admins(app, admin_client, path):
    assert admin_client.get(path).status_code == 200

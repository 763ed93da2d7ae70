"""The sweep: every URL rule of the app, as every role, with valid and hostile path values, hostile query strings
and hostile form bodies. Not one answer may be a 5xx (or an exception escaping the app). All failures are
collected and reported together, so one run shows everything."""
from __future__ import annotations

import time

from tests.robustness.sweep import (ROLES, Failure, discover_forms, hostile_bodies, hostile_queries, rule_paths,
                                    send)

DESTRUCTIVE_ORDER = [("logout",), ("delete", "remove", "clear"), ("cancel", "refund", "ship", "deliver", "demo_pay", "pay",
                                                                   "publish")]


def _rules(app, method):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static" and method in r.methods]
    return sorted(rules, key=lambda r: r.rule)


def _destructiveness(rule) -> int:
    name = rule.endpoint.split(".")[-1]
    for rank, words in enumerate(DESTRUCTIVE_ORDER):
        if any(word in name for word in words):
            return 10 - rank
    return 0


def _is_admin(rule) -> bool:
    return rule.endpoint.startswith("admin.")


def _report(failures, requests, started):
    elapsed = time.monotonic() - started
    print(f"\nsweep: {requests} requests in {elapsed:.1f} s")
    assert not failures, f"{len(failures)} of {requests} requests failed:\n" + "\n".join(map(str, failures))


def _check(failures, method, url, role, label, status, error):
    if error is not None:
        failures.append(Failure(method, url, role, label, error))
    elif status >= 500:
        failures.append(Failure(method, url, role, label, f"HTTP {status}"))


def test_every_get_route_survives_hostile_paths_and_query_strings(app, world, role_client):
    started, requests, failures = time.monotonic(), 0, []
    queries = hostile_queries()
    for role in ROLES:
        client = role_client(app, role)
        for rule in _rules(app, "GET"):
            gated = _is_admin(rule) and role != "admin"
            first = True
            for path, valid in rule_paths(rule, world):
                status, error = send(client, "GET", path)
                requests += 1
                _check(failures, "GET", path, role, "no query", status, error)
                if not valid:
                    continue
                # Every hostile query string on the first valid path; a sample on the others (other owners).
                sample = queries[:3] if gated or not first else queries
                first = False
                for query in sample:
                    url = f"{path}?{query}"
                    status, error = send(client, "GET", url)
                    requests += 1
                    _check(failures, "GET", url, role, "hostile query", status, error)
            status, error = send(client, "HEAD", rule_paths(rule, world)[0][0])
            requests += 1
            _check(failures, "HEAD", rule.rule, role, "", status, error)
    _report(failures, requests, started)


def _forms_by_endpoint(app, world, role_client) -> dict:
    """Crawl every GET page with valid paths as each role; keep the richest form found for each endpoint."""
    forms: dict = {}
    for role in ROLES:
        client = role_client(app, role)
        for rule in _rules(app, "GET"):
            for path, valid in rule_paths(rule, world):
                if valid:
                    for form in discover_forms(app, client, path):
                        best = forms.get(form.endpoint)
                        if best is None or len(form.fields) + len(form.files) > len(best.fields) + len(best.files):
                            forms[form.endpoint] = form
    return forms


def test_every_post_route_survives_hostile_bodies(app, world, role_client):
    started, requests, failures = time.monotonic(), 0, []
    forms = _forms_by_endpoint(app, world, role_client)
    post_rules = sorted(_rules(app, "POST"), key=lambda r: (_destructiveness(r), r.rule))
    # The forms of the main write paths must have been found on the pages, or the sweep would miss their fields.
    for endpoint in ("cart.add", "checkout.checkout", "admin.variant_stock", "admin.inventory_import",
                     "admin.order_refund", "admin.product_edit", "admin.guide_update", "accounts.address_new",
                     "checkout.demo_pay"):
        assert endpoint in forms, f"no form for {endpoint} was found on any page"
    for rule in post_rules:
        for role in ROLES:
            client = role_client(app, role)
            full = not (_is_admin(rule) and role != "admin")
            bodies = hostile_bodies(forms.get(rule.endpoint), full=full)
            # Every body on the first valid path; the valid forms on the other valid paths (another owner's
            # object, another order state); the valid form on each hostile path.
            short = [b for b in bodies if b.label.startswith(("empty body", "valid form"))]
            first = True
            for path, valid in rule_paths(rule, world):
                chosen = (bodies if first else short) if valid else bodies[1:2]
                first = first and not valid
                for body in chosen:
                    status, error = send(client, "POST", path, body)
                    requests += 1
                    _check(failures, "POST", path, role, body.label, status, error)
    _report(failures, requests, started)

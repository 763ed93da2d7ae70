"""Back-office roles (store/admin/roles.py): every admin URL rule declares its role in the one table, and the gate
refuses the roles below it (403 with a clear message, nothing changed) and admits the roles at or above it.

The URL rules are read from the app's URL map, so a new admin route that is not in the table fails
``test_every_admin_endpoint_declares_its_role`` by name, and is refused to all but the owner meanwhile."""
from __future__ import annotations

import pytest

from store.accounts.models import BACK_OFFICE_ROLES, Role
from store.admin import roles
from tests.conftest import session_user_id
from tests.robustness.conftest import world  # noqa: F401  (the seeded store, a fixture)
from tests.robustness.sweep import valid_path_values
from tests.robustness.world import PASSWORD, diff, snapshot

RANK = {role: i for i, role in enumerate(BACK_OFFICE_ROLES)}  # 0 = owner


def _admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]


def test_every_admin_endpoint_declares_its_role(app):
    endpoints = {r.endpoint for r in _admin_rules(app)}
    missing = sorted(endpoints - set(roles.ENDPOINT_ROLES))
    assert not missing, ("these admin endpoints are not in store/admin/roles.py ENDPOINT_ROLES (declare who may "
                         "use them: page(READONLY), action(STAFF, msg), form(READONLY, STAFF, msg), ...): "
                         + ", ".join(missing))
    stale = sorted(set(roles.ENDPOINT_ROLES) - endpoints)
    assert not stale, "ENDPOINT_ROLES names endpoints that do not exist (typo?): " + ", ".join(stale)


def test_the_table_keeps_money_and_staff_with_the_owner():
    for endpoint in ("admin.order_refund", "admin.disclaimer_save", "admin.staff", "admin.staff_add",
                     "admin.staff_update"):
        need = roles.ENDPOINT_ROLES[endpoint]
        assert need.write == Role.OWNER and need.read == Role.OWNER or endpoint == "admin.staff" and \
            need.read == Role.OWNER, endpoint
    # GET pages are open to read-only users unless they are the owner's (staff management).
    for endpoint, need in roles.ENDPOINT_ROLES.items():
        if need.read != Role.OWNER:
            assert need.read == Role.READONLY, endpoint
        assert need.write in (Role.STAFF, Role.OWNER), endpoint


# ------------------------------------------------------------------ every rule, every role

@pytest.fixture
def staffed(app, world):
    """The robustness world (its admin is the owner) plus a staff and a read-only user."""
    from tests.factories import make_user
    from store.extensions import db
    with app.app_context():
        world.staff_id = make_user("staff@kneadwell.test", PASSWORD, role="staff", name="Stef Staff").id
        world.readonly_id = make_user("viewer@kneadwell.test", PASSWORD, role="readonly", name="Vi Viewer").id
        db.session.commit()
    return world


def _client(app, user_id):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_user_id(app, user_id), True
    return client


def _bodies(w) -> dict:
    """Valid forms for the writes that would change something, so a refused one proves it changed nothing."""
    return {
        "admin.order_refund": {"amount": "1.00", "reason": "roles test", "idempotency_key": "roles-test-key-1"},
        "admin.order_ship": {"carrier": "UPS", "tracking_number": "1Z999"},
        "admin.order_cancel": {"note": "roles test"},
        "admin.disclaimer_save": {"product-kind": "product", "product-title": "New safety text",
                                  "product-body": "Be careful."},
        "admin.staff_add": {"email": "other@example.com", "role": "staff"},
        "admin.staff_update": {f"u{w.staff_id}-role": "readonly"},
        "admin.guide_publish": {},
        "admin.outbox_resend": {},
        "admin.order_resend_confirmation": {},
        "admin.product_delete": {},
    }


def _url(rule, w) -> str:
    values = valid_path_values(w)
    special = {"admin.order_cancel:order_id": str(w.pending_id), "admin.staff_update:user_id": str(w.staff_id),
               "admin.order_refund:order_id": str(w.paid_id), "admin.order_ship:order_id": str(w.paid_id)}
    args = {}
    for name in rule.arguments:
        args[name] = special.get(f"{rule.endpoint}:{name}") or (values.get(name) or ["1"])[0]
    from flask import url_for
    return url_for(rule.endpoint, **args)


def _requests(app, w):
    with app.test_request_context():
        out = []
        for rule in _admin_rules(app):
            url = _url(rule, w)
            for method in ("GET", "POST"):
                if method in rule.methods:
                    out.append((rule.endpoint, method, url))
    # Deleting runs last, so the other requests find the product.
    return sorted(out, key=lambda r: ("delete" in r[0], r[0], r[1]))


@pytest.mark.parametrize("role", [Role.READONLY, Role.STAFF, Role.OWNER])
def test_every_admin_rule_refuses_the_roles_below_it_and_admits_its_own(app, staffed, role):  # noqa: F811
    w = staffed
    user_id = {Role.OWNER: w.admin_id, Role.STAFF: w.staff_id, Role.READONLY: w.readonly_id}[role]
    client = _client(app, user_id)
    bodies, failures, refused, admitted = _bodies(w), [], 0, 0
    for endpoint, method, url in _requests(app, w):
        with app.test_request_context(url, method=method):
            from flask import request
            needed, message = roles.needed_role(endpoint, method, request.view_args)
        with app.app_context():
            before = snapshot() if method == "POST" else None
        response = client.open(url, method=method, data=bodies.get(endpoint, {}))
        html = response.get_data(as_text=True)
        if RANK[role] > RANK[needed]:
            refused += 1
            if response.status_code != 403 or message.replace("'", "&#39;") not in html:
                failures.append(f"{method} {url} ({endpoint}) needs {needed}: {role} got "
                                f"{response.status_code}, not a 403 saying {message!r}")
            if method == "POST":
                with app.app_context():
                    changed = diff(before, snapshot())
                if changed:
                    failures.append(f"{method} {url} ({endpoint}) refused to {role} still changed {changed}")
        else:
            admitted += 1
            if response.status_code == 403 or response.status_code >= 500:
                failures.append(f"{method} {url} ({endpoint}) needs {needed}: {role} got {response.status_code}")
    assert not failures, "\n".join(failures)
    if role == Role.OWNER:
        assert refused == 0 and admitted >= 35
    else:
        assert refused >= 5 and admitted >= 15


def test_a_refused_write_would_have_changed_something(app, staffed):
    """The bodies above are real: the owner's refund, disclaimer and staff change go through."""
    w = staffed
    owner = _client(app, w.admin_id)
    with app.app_context():
        before = snapshot()
    assert owner.post(f"/admin/orders/{w.paid_id}/refund", data=_bodies(w)["admin.order_refund"]).status_code == 302
    assert owner.post("/admin/disclaimers/product",
                      data=_bodies(w)["admin.disclaimer_save"]).status_code == 302
    assert owner.post(f"/admin/staff/{w.staff_id}", data=_bodies(w)["admin.staff_update"]).status_code == 302
    with app.app_context():
        changed = diff(before, snapshot())
    assert {"refunds", "disclaimers", "audit_log"} <= set(changed)


def test_an_undeclared_endpoint_is_refused_to_all_but_the_owner(app, staffed, monkeypatch):
    monkeypatch.delitem(roles.ENDPOINT_ROLES, "admin.orders")
    for user_id in (staffed.staff_id, staffed.readonly_id):
        response = _client(app, user_id).get("/admin/orders")
        assert response.status_code == 403
        assert "needs the shop owner&#39;s account" in response.get_data(as_text=True)
    response = _client(app, staffed.admin_id).get("/admin/orders")
    assert response.status_code == 200, response.get_data(as_text=True)[-3000:]


def test_staff_may_cancel_an_unpaid_order_but_a_paid_one_needs_the_owner(app, staffed):
    w = staffed
    staff = _client(app, w.staff_id)
    response = staff.post(f"/admin/orders/{w.paid_id}/cancel", data={"note": "x"})
    assert response.status_code == 403
    assert "Cancelling a paid order needs the shop owner&#39;s account." in response.get_data(as_text=True)
    assert staff.post(f"/admin/orders/{w.pending_id}/cancel", data={"note": "x"}).status_code == 302
    from store.orders.models import Order
    from store.extensions import db
    with app.app_context():
        assert db.session.get(Order, w.pending_id).payment_status == "voided"
        assert db.session.get(Order, w.paid_id).payment_status == "paid"

"""Roles through the views: a staff user is refused a refund with a clear message and sees no refund form; the
owner manages staff at /admin/staff (promote a customer by email, change a role, remove access), never
demoting themselves or the last owner; every change is audited. `flask create-admin --role`."""
from __future__ import annotations

from sqlalchemy import select

from store.accounts.models import User
from tests.admin.conftest import audit_rows
from tests.admin.test_orders import _paid
from tests.checkout.conftest import shop, stripe_http  # noqa: F401  (shared fixtures)


def _paid_order(app, shop):  # noqa: F811
    return _paid(app, shop.roller)


def _forget_user():
    """The db fixture's app context is shared by the test clients' requests: Flask-Login caches the signed-in
    user on ``g``, so drop it before a request by another client."""
    from flask import g
    g.pop("_login_user", None)


def _client(app, make_user, login_as, email, role):
    user = make_user(email=email, role=role)
    client = app.test_client()
    login_as(client, user)
    return client, user


def test_staff_is_refused_a_refund_with_a_clear_message_and_sees_no_refund_form(app, db, make_user, login_as, shop):  # noqa: F811
    order_id = _paid_order(app, shop)
    staff, _ = _client(app, make_user, login_as, "staff@kneadwell.test", "staff")
    page = staff.get(f"/admin/orders/{order_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-action="refund"' not in html and 'data-action="ship"' in html
    assert "Refunds need the shop owner's account." in html
    refused = staff.post(f"/admin/orders/{order_id}/refund",
                         data={"amount": "5.00", "reason": "x", "idempotency_key": "staff-key-000001"})
    assert refused.status_code == 403
    assert "Refunds need the shop owner&#39;s account." in refused.get_data(as_text=True)
    from store.orders.models import Order, Refund
    db.session.expire_all()
    assert db.session.get(Order, order_id).refunded_cents == 0
    assert db.session.scalars(select(Refund)).all() == []
    assert audit_rows(db, "order.refund") == []


def test_read_only_sees_pages_and_no_action_forms(app, db, make_user, login_as, shop):  # noqa: F811
    order_id = _paid_order(app, shop)
    viewer, _ = _client(app, make_user, login_as, "viewer@kneadwell.test", "readonly")
    html = viewer.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    for action in ("ship", "refund", "cancel", "resend-confirmation"):
        assert f'data-action="{action}"' not in html
    assert "Signed in as Read-only" in html and ">Staff</a>" not in html
    refused = viewer.post(f"/admin/orders/{order_id}/ship", data={"carrier": "UPS", "tracking_number": "1Z"})
    assert refused.status_code == 403 and "Shipping orders needs a staff or owner account." in refused.get_data(
        as_text=True)


def test_owner_sees_the_refund_form_and_the_staff_link(app, db, admin_client, shop):  # noqa: F811
    order_id = _paid_order(app, shop)
    html = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert 'data-action="refund"' in html and ">Staff</a>" in html and "Signed in as Owner" in html


def test_owner_adds_changes_and_removes_staff_audited(app, db, admin_client, admin_user, make_user):
    customer = make_user(email="helper@example.com", role="customer")
    page = admin_client.get("/admin/staff")
    assert page.status_code == 200 and "boss@kneadwell.test" in page.get_data(as_text=True)
    assert "helper@example.com" not in page.get_data(as_text=True)

    added = admin_client.post("/admin/staff", data={"email": "Helper@Example.com", "role": "staff"},
                              follow_redirects=True)
    assert added.status_code == 200 and "helper@example.com can now use the back office (staff)" in \
        added.get_data(as_text=True)
    assert db.session.get(User, customer.id).role == "staff"

    changed = admin_client.post(f"/admin/staff/{customer.id}", data={f"u{customer.id}-role": "readonly"})
    assert changed.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, customer.id).role == "readonly"

    removed = admin_client.post(f"/admin/staff/{customer.id}", data={f"u{customer.id}-role": "customer"},
                                follow_redirects=True)
    assert "helper@example.com no longer uses the back office" in removed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, customer.id).role == "customer"
    rows = audit_rows(db)
    assert [(r.action, r.changes["role"]) for r in rows if r.action.startswith("staff.")] == [
        ("staff.add", ["customer", "staff"]), ("staff.role", ["staff", "readonly"]),
        ("staff.remove", ["readonly", "customer"])]
    assert all(r.actor_id == admin_user.id for r in rows)


def test_unknown_email_and_existing_staff_are_clear_form_errors(app, db, admin_client, make_user):
    unknown = admin_client.post("/admin/staff", data={"email": "nobody@example.com", "role": "staff"})
    assert unknown.status_code == 400
    assert "No account uses nobody@example.com" in unknown.get_data(as_text=True)
    make_user(email="old@example.com", role="staff")
    again = admin_client.post("/admin/staff", data={"email": "old@example.com", "role": "readonly"})
    assert again.status_code == 400 and "already uses the back office" in again.get_data(as_text=True)
    owner_add = admin_client.post("/admin/staff", data={"email": "old@example.com", "role": "owner"})
    assert owner_add.status_code == 400 and "Not a valid choice" in owner_add.get_data(as_text=True)
    assert audit_rows(db, "staff.add") == []


def test_the_owner_cannot_demote_themselves_nor_the_last_owner(app, db, admin_client, admin_user, make_user,
                                                               login_as):
    own = admin_client.post(f"/admin/staff/{admin_user.id}", data={f"u{admin_user.id}-role": "staff"})
    assert own.status_code == 409
    assert "You cannot change your own role; another owner can." in own.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin_user.id).role == "owner"

    # A second owner demotes the first: allowed. Then the first (now staff) is refused the staff page, and the
    # second, the last owner, cannot be demoted by anyone.
    second = make_user(email="second@kneadwell.test", role="owner")
    second_client = app.test_client()
    login_as(second_client, second)
    _forget_user()
    assert second_client.post(f"/admin/staff/{admin_user.id}",
                              data={f"u{admin_user.id}-role": "staff"}).status_code == 302
    _forget_user()
    refused = admin_client.get("/admin/staff")
    assert refused.status_code == 403 and "needs the shop owner&#39;s account" in refused.get_data(as_text=True)
    # The second is now the last owner; the only one who could demote them is themselves, which is refused.
    _forget_user()
    last = second_client.post(f"/admin/staff/{second.id}", data={f"u{second.id}-role": "readonly"})
    assert last.status_code == 409 and "You cannot change your own role" in last.get_data(as_text=True)
    db.session.expire_all()
    owners = db.session.scalars(select(User.email).where(User.role == "owner")).all()
    assert owners == ["second@kneadwell.test"]


def test_two_owners_demoting_each_other_leave_one_owner(app, db, make_user):
    """Owner a demotes owner b; b's demotion of a (sent from a page opened while b was an owner) is refused, as
    the service re-checks the actor's role under the lock: the shop always keeps an owner."""
    from store.admin.staff import services
    import pytest
    a = make_user(email="a@kneadwell.test", role="owner")
    b = make_user(email="b@kneadwell.test", role="owner")
    services.set_role(b.id, "readonly", actor_id=a.id)
    db.session.expire_all()
    with pytest.raises(services.StaffError, match="Managing staff needs the shop owner's account"):
        services.set_role(a.id, "staff", actor_id=b.id)  # b is no longer an owner
    assert db.session.get(User, a.id).role == "owner"


def test_staff_and_read_only_cannot_reach_staff_management(app, db, make_user, login_as):
    for role in ("staff", "readonly"):
        _forget_user()
        client, user = _client(app, make_user, login_as, f"{role}@kneadwell.test", role)
        assert client.get("/admin/staff").status_code == 403
        refused = client.post("/admin/staff", data={"email": f"{role}@kneadwell.test", "role": "staff"})
        assert refused.status_code == 403
        assert "Managing staff needs the shop owner&#39;s account." in refused.get_data(as_text=True)


def test_create_admin_makes_an_owner_or_the_role_asked_for(app, make_user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "chief@example.com"],
                           input="a strong admin phrase\na strong admin phrase\n")
    assert result.exit_code == 0 and "Created admin chief@example.com (owner)" in result.output
    make_user("helper@example.com")
    result = runner.invoke(args=["create-admin", "helper@example.com", "--role", "staff"], input="\n\n")
    assert result.exit_code == 0 and "Promoted admin helper@example.com (staff)" in result.output
    bad = runner.invoke(args=["create-admin", "x@example.com", "--role", "admin"], input="\n\n")
    assert bad.exit_code != 0 and "Invalid value" in bad.output
    from store.extensions import db
    with app.app_context():
        roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles["chief@example.com"] == "owner" and roles["helper@example.com"] == "staff"
    assert "x@example.com" not in roles


def test_pages_hide_what_the_role_cannot_use(app, db, make_user, login_as):
    viewer, _ = _client(app, make_user, login_as, "viewer@kneadwell.test", "readonly")
    assert "New product</a>" not in viewer.get("/admin/products").get_data(as_text=True)
    assert "New guide</a>" not in viewer.get("/admin/guides").get_data(as_text=True)
    assert "Check and import" not in viewer.get("/admin/inventory").get_data(as_text=True)
    _forget_user()
    staff, _ = _client(app, make_user, login_as, "staff@kneadwell.test", "staff")
    assert "New product</a>" in staff.get("/admin/products").get_data(as_text=True)
    html = staff.get("/admin/disclaimers").get_data(as_text=True)
    assert "Save as a new version" not in html and "only with the shop owner&#39;s account" not in html
    assert "Disclaimers are changed only with the shop owner's account." in html

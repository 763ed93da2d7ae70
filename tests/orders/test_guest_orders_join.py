"""Issue 17: guest orders join an account registered later with the same email, once the customer proves the
email (a signed link sent to it). Bug: they were never attached."""
import re

from sqlalchemy import select

from store.extensions import db as _db
from store.orders.models import Order
from store.outbox import OutboxMessage
from tests.factories import place_order as place


def _claim_link(app):
    with app.app_context():
        row = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "orders_claim")).one()
        return row.recipient, re.search(r"http://localhost(/account/claim-orders/\S+)", row.body_text).group(1)


def test_guest_orders_join_the_account_after_the_emailed_link(app, client, shop, make_user, login_as):
    with app.app_context():
        first = place([(shop.roller, 1)], email="later@example.com").number
        second = place([(shop.oil_small, 1)], email="Later@Example.com").number
        other = place([(shop.oil_small, 1)], email="someone@example.com").number
    user = make_user("later@example.com")
    login_as(client, user)
    listing = client.get("/account/orders").get_data(as_text=True)
    assert 'data-guest-orders="2"' in listing and first not in listing
    assert client.post("/account/claim-orders").status_code == 303
    recipient, path = _claim_link(app)
    assert recipient == "later@example.com"
    # Following the link shows a confirmation; only the POST attaches.
    assert "Add to my account" in client.get(path).get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(Order.user_id).where(Order.number == first)) is None
    done = client.post(path, follow_redirects=True).get_data(as_text=True)
    assert "Added 2 orders to your account." in done and first in done and second in done and other not in done
    with app.app_context():
        owners = dict(_db.session.execute(select(Order.number, Order.user_id)).all())
    assert owners == {first: user.id, second: user.id, other: None}
    # Used again: nothing more.
    assert "already in your account" in client.post(path, follow_redirects=True).get_data(as_text=True)


def test_the_link_works_only_for_its_account_and_is_tamper_proof(app, client, shop, make_user, login_as):
    with app.app_context():
        number = place([(shop.roller, 1)], email="later@example.com").number
    owner, intruder = make_user("later@example.com"), make_user("intruder@example.com")
    login_as(client, owner)
    client.post("/account/claim-orders")
    _, path = _claim_link(app)
    other = app.test_client()
    login_as(other, intruder)
    refused = other.post(path, follow_redirects=True).get_data(as_text=True)
    assert "not valid for this account" in refused
    assert "not valid for this account" in client.post(path[:-3] + "abc", follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(Order.user_id).where(Order.number == number)) is None


def test_no_guest_orders_sends_nothing(app, client, shop, make_user, login_as):
    login_as(client, make_user("fresh@example.com"))
    assert "data-guest-orders" not in client.get("/account/orders").get_data(as_text=True)
    client.post("/account/claim-orders")
    with app.app_context():
        assert _db.session.scalar(select(OutboxMessage.id)) is None

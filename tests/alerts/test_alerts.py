"""Back-in-stock alerts: one email per subscriber when an option's stock returns (adjustment, receipt, count,
CSV import, a cancelled order), none for an option still sold out, never twice."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from store.admin.inventory import services as admin_inventory
from store.alerts import services as alerts
from store.alerts.models import StockAlert
from store.catalog.models import Variant
from store.db import transaction
from store.extensions import db as _db
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from store.orders.lifecycle import cancel_unpaid
from store.outbox import OutboxMessage
from tests.factories import make_disclaimers, make_product, place_order


@pytest.fixture
def oil(app, db):
    make_disclaimers()
    product = make_product("Arnica Oil", slug="arnica-oil", kind="oil", variants=[
        {"sku": "ARN-50", "label": "50 ml", "on_hand": 0}, {"sku": "ARN-100", "label": "100 ml", "on_hand": 3}])
    _db.session.commit()
    return product


def _alert_emails():
    return list(_db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "back_in_stock")
                                    .order_by(OutboxMessage.id)))


def test_each_subscriber_gets_one_email_when_stock_returns(oil):
    small = oil.variants[0]
    alerts.subscribe(small.id, "ann@example.com")
    alerts.subscribe(small.id, "Ann@Example.com")  # the same person again: one subscription
    alerts.subscribe(small.id, "bob@example.com")
    assert _alert_emails() == []
    with transaction():
        inventory.adjust(small.id, 5, MovementKind.RESTOCK, actor="test")
    emails = _alert_emails()
    assert sorted(e.recipient for e in emails) == ["ann@example.com", "bob@example.com"]
    assert "50 ml" in emails[0].subject and "/alerts/stop/" in emails[0].body_text
    assert "/products/arnica-oil?variant=ARN-50" in emails[0].body_text and emails[0].body_html
    # more stock later: nobody is emailed twice
    with transaction():
        inventory.adjust(small.id, 2, MovementKind.RESTOCK, actor="test")
    assert len(_alert_emails()) == 2
    assert all(a.sent_at is not None for a in _db.session.scalars(select(StockAlert)))


def test_no_email_for_an_option_still_sold_out(oil):
    small, large = oil.variants
    alerts.subscribe(small.id, "ann@example.com")
    with transaction():
        inventory.adjust(large.id, 5, MovementKind.RESTOCK, actor="test")  # the other size comes back
    assert _alert_emails() == []
    small.is_active = False  # withdrawn from sale: stock arriving does not make it buyable
    _db.session.commit()
    with transaction():
        inventory.adjust(small.id, 5, MovementKind.RESTOCK, actor="test")
    assert _alert_emails() == []
    assert _db.session.scalars(select(StockAlert)).one().sent_at is None


def test_a_reserved_restock_sends_nothing(oil):
    small = oil.variants[0]
    with transaction():
        inventory.adjust(small.id, 1, MovementKind.RESTOCK, actor="test")
    order = place_order([(small.id, 1)])  # the last one is now reserved: sold out
    alerts.subscribe(small.id, "ann@example.com")
    with transaction():
        inventory.adjust(oil.variants[1].id, -1, MovementKind.DAMAGED, actor="test")
    assert _alert_emails() == []
    cancel_unpaid(order.id, actor="test", note="Cancelled in a test")  # the reservation is released: back in stock
    assert [e.recipient for e in _alert_emails()] == ["ann@example.com"]


def test_subscribing_to_an_option_in_stock_is_refused(oil):
    with pytest.raises(alerts.AlertError, match="in stock"):
        alerts.subscribe(oil.variants[1].id, "ann@example.com")
    with pytest.raises(alerts.AlertError, match="valid email"):
        alerts.subscribe(oil.variants[0].id, "not-an-email")
    with pytest.raises(alerts.AlertError):
        alerts.subscribe(999999, "ann@example.com")


@pytest.mark.parametrize("how", ["receipt", "count", "csv"])
def test_every_way_stock_returns_sends_the_alert(oil, how):
    small = oil.variants[0]
    alerts.subscribe(small.id, "ann@example.com")
    if how == "receipt":
        with transaction(write=True):
            inventory.receive([(small.id, 4)], supplier="Oils Ltd", received_on=date.today(), actor="test")
    elif how == "count":
        with transaction(write=True):
            inventory.apply_count([(small.id, 2)], actor="test")
    else:
        admin_inventory.import_csv(b"sku,price,compare_at,on_hand\nARN-50,12.00,,6\n", actor_id=None)
    assert [e.recipient for e in _alert_emails()] == ["ann@example.com"]


def test_unsubscribe_stops_the_waiting_alerts(oil, client):
    small = oil.variants[0]
    alert, _ = alerts.subscribe(small.id, "ann@example.com")
    assert client.get(f"/alerts/stop/{alert.token}").status_code == 200
    assert client.post(f"/alerts/stop/{alert.token}").status_code == 200
    with transaction():
        inventory.adjust(small.id, 5, MovementKind.RESTOCK, actor="test")
    assert _alert_emails() == []
    assert client.get("/alerts/stop/" + "0" * 32).status_code == 404


def test_product_page_offers_the_alert_and_one_click_when_signed_in(oil, client, make_user, login_as):
    page = client.get("/products/arnica-oil?variant=ARN-50").get_data(as_text=True)
    assert "Email me when it is back" in page and 'name="email"' in page
    assert "Email me when it is back" not in client.get("/products/arnica-oil?variant=ARN-100").get_data(as_text=True)
    response = client.post("/alerts/subscribe", data={"variant_id": oil.variants[0].id, "slug": "arnica-oil",
                                                      "email": "guest@example.com"})
    assert response.status_code == 302
    user = make_user("member@example.com")
    from flask import g
    g.pop("_login_user", None)
    login_as(client, user)
    page = client.get("/products/arnica-oil?variant=ARN-50").get_data(as_text=True)
    assert 'name="email"' not in page
    client.post("/alerts/subscribe", data={"variant_id": oil.variants[0].id, "slug": "arnica-oil"})
    page = client.get("/products/arnica-oil?variant=ARN-50").get_data(as_text=True)
    assert "data-alert-waiting" in page
    assert sorted(a.email for a in _db.session.scalars(select(StockAlert))) == ["guest@example.com",
                                                                                 "member@example.com"]
    assert client.post("/alerts/subscribe", data={"variant_id": "x", "slug": "arnica-oil"}).status_code == 400


def test_demand_per_option(oil):
    small = oil.variants[0]
    for n in range(3):
        alerts.subscribe(small.id, f"p{n}@example.com")
    rows = alerts.demand_per_option()
    assert [(r["sku"], r["waiting"], r["sent"]) for r in rows] == [("ARN-50", 3, 0)]
    with transaction():
        inventory.adjust(small.id, 1, MovementKind.RESTOCK, actor="test")
    rows = alerts.demand_per_option()
    assert [(r["sku"], r["waiting"], r["sent"]) for r in rows] == [("ARN-50", 0, 3)]


def test_concurrent_restocks_email_each_subscriber_once(app, oil):
    """Six restocks of the same sold-out option at the same moment (real threads, one connection each):
    every subscriber is emailed exactly once."""
    import threading

    small_id = oil.variants[0].id
    for n in range(3):
        alerts.subscribe(small_id, f"p{n}@example.com")
    _db.session.remove()
    barrier, errors = threading.Barrier(6), []

    def restock():
        with app.app_context():
            try:
                barrier.wait()
                with transaction(write=True):
                    inventory.adjust(small_id, 1, MovementKind.RESTOCK, actor="race")
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=restock) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(e.recipient for e in _alert_emails()) == ["p0@example.com", "p1@example.com", "p2@example.com"]
    assert _db.session.scalar(select(Variant.on_hand).where(Variant.id == small_id)) == 6

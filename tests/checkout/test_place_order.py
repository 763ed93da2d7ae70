"""place_order: prices from the database, one transaction, atomic reservations, clear errors."""
import re

import pytest
from sqlalchemy import func, select

from store.catalog.models import Variant
from store.checkout import services
from store.checkout.services import CheckoutError, ItemUnavailable, OutOfStock, StaleAcknowledgment
from store.extensions import db
from store.inventory.models import StockMovement
from store.inventory.services import ledger_totals
from store.orders.models import Order, OrderEvent, OrderLine
from store.safety.models import DisclaimerKind
from store.safety.services import current_disclaimer, new_disclaimer_version
from tests.factories import ADDRESS, place_order as place


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_order_copies_lines_and_reserves_stock(app, db, shop):
    order = place([(shop.roller, 2), (shop.oil_large, 1), (shop.roller, 1)])
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert re.fullmatch(r"KW-[23456789ABCDEFGHJKMNPQRSTWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTWXYZ]{4}", order.number)
    assert order.payment_status == "pending"
    lines = {line.sku: line for line in order.lines}
    assert set(lines) == {"ROLL-1", "OIL-100"}
    assert (lines["ROLL-1"].quantity, lines["ROLL-1"].unit_price_cents, lines["ROLL-1"].line_total_cents) == (3, 2400, 7200)
    assert (lines["OIL-100"].product_name, lines["OIL-100"].variant_label) == ("Calm Body Oil", "100 ml")
    assert order.subtotal_cents == 9800 and order.shipping_cents == 0 and order.total_cents == 9800
    assert order.email == "buyer@example.com" and order.ship_city == "Springfield"
    disclaimer = current_disclaimer("product")
    assert (order.disclaimer_id, order.disclaimer_version) == (disclaimer.id, disclaimer.version)
    minutes = (order.expires_at - order.placed_at).total_seconds() / 60
    assert minutes == pytest.approx(app.config["RESERVATION_MINUTES"], abs=0.1)
    roller = db.session.get(Variant, shop.roller)
    assert (roller.on_hand, roller.reserved, roller.available) == (10, 3, 7)
    assert ledger_totals(shop.roller) == (10, 3)
    kinds = db.session.scalars(select(StockMovement.kind).where(StockMovement.order_id == order.id)).all()
    assert sorted(kinds) == ["reserve", "reserve"]
    assert db.session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == order.id)).one().startswith(
        "Order placed")


def test_shipping_comes_from_the_zone_free_at_its_threshold(app, db, shop):
    """US standard: $5.95 up to 500 g, free from $75.00 (the demo zone); express never free."""
    below = place([(shop.oil_small, 1)])
    assert (below.subtotal_cents, below.shipping_cents, below.total_cents) == (1450, 595, 2045)
    assert (below.shipping_method, below.shipping_name, below.tax_cents) == ("standard", "Standard", 0)
    free = place([(shop.roller, 4)], email="free@example.com")           # 9600 >= 7500
    assert (free.shipping_cents, free.total_cents) == (0, 9600)
    express = place([(shop.roller, 4)], email="fast@example.com", shipping_method="express")
    assert (express.shipping_method, express.shipping_name, express.shipping_cents) == ("express", "Express", 1495)
    assert express.total_cents == 9600 + 1495


def test_an_address_outside_every_zone_or_a_method_the_zone_lacks_places_nothing(app, db, shop):
    from dataclasses import replace
    with pytest.raises(services.CheckoutError, match="We ship to .* and this address is in Australia"):
        place([(shop.roller, 1)], address=replace(ADDRESS, country="AU"))
    with pytest.raises(services.CheckoutError, match="Choose one of the shipping methods"):
        place([(shop.roller, 1)], shipping_method="overnight")
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert db.session.get(Variant, shop.roller).reserved == 0


def test_price_comes_from_database_not_caller(db, shop):
    db.session.get(Variant, shop.roller).price_cents = 3100
    db.session.commit()
    order = place([(shop.roller, 1)])
    assert order.lines[0].unit_price_cents == 3100


def test_short_line_rolls_back_everything_and_names_the_item(db, shop):
    with pytest.raises(OutOfStock) as info:
        place([(shop.roller, 2), (shop.oil_large, 3)])
    assert "Calm Body Oil (100 ml)" in str(info.value) and "Only 2" in str(info.value)
    db.session.expire_all()
    assert _count(Order) == 0 and _count(OrderLine) == 0
    assert db.session.get(Variant, shop.roller).reserved == 0
    assert _count(StockMovement) == 3  # only the three opening-stock rows


def test_sold_out_message(db, shop):
    place([(shop.oil_large, 2)])
    with pytest.raises(OutOfStock, match="Calm Body Oil \\(100 ml\\) is out of stock"):
        place([(shop.oil_large, 1)])


def test_stale_acknowledgment_is_refused(db, shop):
    old = current_disclaimer("product")
    new_disclaimer_version(DisclaimerKind.PRODUCT, "Safety first", "Updated text: stop if it hurts.")
    with pytest.raises(StaleAcknowledgment, match="updated"):
        services.place_order(email="a@example.com", user_id=None, address=ADDRESS, shipping_method="standard",
                             disclaimer_id=old.id, disclaimer_version=old.version, lines=[(shop.roller, 1)])
    with pytest.raises(StaleAcknowledgment):
        services.place_order(email="a@example.com", user_id=None, address=ADDRESS, shipping_method="standard",
                             disclaimer_id=None, disclaimer_version=None, lines=[(shop.roller, 1)])
    assert _count(Order) == 0
    assert place([(shop.roller, 1)]).disclaimer_version == old.version + 1


def test_unavailable_and_bad_input(db, shop):
    db.session.get(Variant, shop.oil_small).is_active = False
    db.session.commit()
    with pytest.raises(ItemUnavailable, match="Calm Body Oil \\(50 ml\\) is no longer available"):
        place([(shop.oil_small, 1)])
    with pytest.raises(ItemUnavailable):
        place([(999999, 1)])
    with pytest.raises(CheckoutError, match="empty"):
        place([])
    with pytest.raises(CheckoutError):
        place([(shop.roller, 0)])
    with pytest.raises(CheckoutError, match="email"):
        place([(shop.roller, 1)], email="not-an-email")
    assert _count(Order) == 0


def test_order_numbers_are_unique_and_unguessable(db, shop):
    numbers = {services.new_order_number() for _ in range(300)}
    assert len(numbers) == 300
    assert not any(ch in "".join(numbers) for ch in "01OIL")

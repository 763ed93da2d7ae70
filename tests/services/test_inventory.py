"""Stock: adjust / reserve / release / consume, their refusals, and the ledger matching the totals."""
import pytest
from sqlalchemy import select

from store.catalog.models import Variant
from store.inventory import services as inventory
from store.inventory.models import MovementKind, StockMovement
from store.inventory.services import InvalidAdjustment, OutOfStock, StockError
from tests.factories import make_product


@pytest.fixture
def variant_id(db):
    product = make_product(variants=[{"sku": "ROLL-1", "on_hand": 5}])
    db.session.commit()
    return product.variants[0].id


def _stock(db, variant_id):
    db.session.expire_all()
    v = db.session.get(Variant, variant_id)
    return v.on_hand, v.reserved


def _assert_ledger_matches(db, variant_id):
    assert inventory.ledger_totals(variant_id) == _stock(db, variant_id)


def test_reserve_consume_release_cycle(db, variant_id):
    inventory.reserve(variant_id, 3)
    assert _stock(db, variant_id) == (5, 3)
    inventory.consume(variant_id, 2)
    assert _stock(db, variant_id) == (3, 1)
    inventory.release(variant_id, 1)
    assert _stock(db, variant_id) == (3, 0)
    db.session.commit()
    _assert_ledger_matches(db, variant_id)
    kinds = db.session.scalars(select(StockMovement.kind).where(StockMovement.variant_id == variant_id)
                               .order_by(StockMovement.id)).all()
    assert kinds == ["initial", "reserve", "consume", "release"]


def test_reserve_refuses_more_than_available(db, variant_id):
    inventory.reserve(variant_id, 4)
    with pytest.raises(OutOfStock) as info:
        inventory.reserve(variant_id, 2)
    assert "Only 1 of ROLL-1 left; you asked for 2." == str(info.value)
    assert _stock(db, variant_id) == (5, 4)
    inventory.reserve(variant_id, 1)
    with pytest.raises(OutOfStock, match="ROLL-1 is out of stock"):
        inventory.reserve(variant_id, 1)
    _assert_ledger_matches(db, variant_id)


def test_reserve_names_the_product_when_given(db, variant_id):
    with pytest.raises(OutOfStock, match="Only 5 of Foam Roller left"):
        inventory.reserve(variant_id, 6, name="Foam Roller")


@pytest.mark.parametrize("operation", [inventory.reserve, inventory.release, inventory.consume])
@pytest.mark.parametrize("quantity", [0, -1])
def test_non_positive_quantities_are_refused(db, variant_id, operation, quantity):
    with pytest.raises(ValueError):
        operation(variant_id, quantity)
    assert _stock(db, variant_id) == (5, 0)


def test_release_and_consume_refuse_more_than_reserved(db, variant_id):
    inventory.reserve(variant_id, 2)
    with pytest.raises(StockError):
        inventory.release(variant_id, 3)
    with pytest.raises(StockError):
        inventory.consume(variant_id, 3)
    assert _stock(db, variant_id) == (5, 2)
    _assert_ledger_matches(db, variant_id)


def test_adjust_up_and_down(db, variant_id):
    inventory.adjust(variant_id, 10, MovementKind.RESTOCK, note="Delivery")
    inventory.adjust(variant_id, -2, MovementKind.DAMAGED, note="Cracked")
    assert _stock(db, variant_id) == (13, 0)
    _assert_ledger_matches(db, variant_id)


def test_adjust_never_below_reserved_or_zero(db, variant_id):
    inventory.reserve(variant_id, 3)
    with pytest.raises(InvalidAdjustment, match="ROLL-1"):
        inventory.adjust(variant_id, -3, MovementKind.COUNT)
    inventory.adjust(variant_id, -2, MovementKind.COUNT)
    assert _stock(db, variant_id) == (3, 3)
    _assert_ledger_matches(db, variant_id)


@pytest.mark.parametrize("delta, kind, message", [
    (0, MovementKind.RESTOCK, "changes nothing"),
    (5, MovementKind.RESERVE, "not a stock adjustment"),
    (-1, MovementKind.CONSUME, "not a stock adjustment"),
])
def test_adjust_refusals(db, variant_id, delta, kind, message):
    with pytest.raises(InvalidAdjustment, match=message):
        inventory.adjust(variant_id, delta, kind)
    assert _stock(db, variant_id) == (5, 0)


def test_adjust_unknown_variant(db):
    with pytest.raises(InvalidAdjustment, match="does not exist"):
        inventory.adjust(999_999, 1, MovementKind.RESTOCK)


def test_set_on_hand_writes_the_difference(db, variant_id):
    assert inventory.set_on_hand(variant_id, 9, note="Stocktake") == 4
    assert inventory.set_on_hand(variant_id, 9) == 0
    assert _stock(db, variant_id) == (9, 0)
    with pytest.raises(InvalidAdjustment):
        inventory.set_on_hand(variant_id, -1)
    _assert_ledger_matches(db, variant_id)


def test_ledger_matches_totals_after_a_mixed_day(db):
    product = make_product(variants=[{"on_hand": 20}, {"on_hand": 1}, {"on_hand": 0}])
    a, b, c = (v.id for v in product.variants)
    inventory.reserve(a, 5)
    inventory.consume(a, 3)
    inventory.release(a, 2)
    inventory.adjust(a, 4, MovementKind.RETURN)
    inventory.reserve(b, 1)
    with pytest.raises(OutOfStock):
        inventory.reserve(b, 1)
    with pytest.raises(OutOfStock):
        inventory.reserve(c, 1)
    inventory.adjust(c, 7, MovementKind.RESTOCK)
    inventory.reserve(c, 7)
    inventory.consume(c, 7)
    db.session.commit()
    for variant_id, expected in ((a, (21, 0)), (b, (1, 1)), (c, (0, 0))):
        assert _stock(db, variant_id) == expected
        _assert_ledger_matches(db, variant_id)

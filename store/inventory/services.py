"""Stock: every change is one conditional UPDATE (never read-then-write in Python) plus a ledger row.

reserve  : reserved += q   only WHERE on_hand - reserved >= q   (order placed)
release  : reserved -= q   only WHERE reserved >= q             (order cancelled / expired)
consume  : on_hand -= q, reserved -= q  WHERE reserved >= q     (order paid)
adjust   : on_hand += d    only WHERE on_hand + d >= reserved   (restock, damage, count, return)

The callers own the transaction (one per use case); these functions only flush.
"""
from __future__ import annotations

from sqlalchemy import bindparam, func, insert, select, update

from store.catalog.availability import shortage_message
from store.catalog.models import Variant
from store.extensions import db
from store.inventory.models import MovementKind, StockMovement


class StockError(Exception):
    """Base class for stock problems a shopper or admin can be told about."""


class OutOfStock(StockError):
    def __init__(self, variant_id: int, requested: int, available: int | None = None, name: str | None = None):
        self.variant_id, self.requested, self.available, self.name = variant_id, requested, available, name
        # The shop front's words (the availability policy): "X is out of stock." / "Only N of X left; ...".
        super().__init__(shortage_message(name or f"Item {variant_id}", available, requested))


class InvalidAdjustment(StockError):
    pass


def _record(variant_id: int, kind: MovementKind, on_hand_delta: int = 0, reserved_delta: int = 0,
            order_id: int | None = None, actor_id: int | None = None, note: str = "") -> StockMovement:
    movement = StockMovement(variant_id=variant_id, kind=kind.value, on_hand_delta=on_hand_delta,
                             reserved_delta=reserved_delta, order_id=order_id, actor_id=actor_id, note=note[:300])
    db.session.add(movement)
    return movement


def _describe(variant_id: int) -> tuple[int | None, str | None]:
    row = db.session.execute(
        select(Variant.on_hand - Variant.reserved, Variant.sku).where(Variant.id == variant_id)).first()
    return (max(row[0], 0), row[1]) if row else (None, None)


def reserve(variant_id: int, quantity: int, *, order_id: int | None = None, name: str | None = None) -> None:
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    result = db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.on_hand - Variant.reserved >= quantity)
        .values(reserved=Variant.reserved + quantity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        available, sku = _describe(variant_id)
        raise OutOfStock(variant_id, quantity, available, name or sku)
    _record(variant_id, MovementKind.RESERVE, reserved_delta=quantity, order_id=order_id)


def release(variant_id: int, quantity: int, *, order_id: int | None = None, note: str = "") -> None:
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    result = db.session.execute(
        update(Variant).where(Variant.id == variant_id, Variant.reserved >= quantity)
        .values(reserved=Variant.reserved - quantity).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StockError(f"Cannot release {quantity} of variant {variant_id}: not reserved")
    _record(variant_id, MovementKind.RELEASE, reserved_delta=-quantity, order_id=order_id, note=note)


def consume(variant_id: int, quantity: int, *, order_id: int | None = None) -> None:
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    result = db.session.execute(
        update(Variant).where(Variant.id == variant_id, Variant.reserved >= quantity, Variant.on_hand >= quantity)
        .values(on_hand=Variant.on_hand - quantity, reserved=Variant.reserved - quantity)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StockError(f"Cannot consume {quantity} of variant {variant_id}: not reserved")
    _record(variant_id, MovementKind.CONSUME, on_hand_delta=-quantity, reserved_delta=-quantity, order_id=order_id)


ADJUSTMENT_KINDS = {MovementKind.INITIAL, MovementKind.RESTOCK, MovementKind.DAMAGED, MovementKind.COUNT,
                    MovementKind.RETURN}


def adjust(variant_id: int, delta: int, kind: MovementKind, *, actor_id: int | None = None, note: str = "") -> None:
    """Change on-hand stock by delta (positive or negative). Never below what is reserved or zero."""
    if kind not in ADJUSTMENT_KINDS:
        raise InvalidAdjustment(f"{kind} is not a stock adjustment")
    if delta == 0:
        raise InvalidAdjustment("An adjustment of 0 changes nothing.")
    result = db.session.execute(
        update(Variant).where(Variant.id == variant_id, Variant.on_hand + delta >= Variant.reserved,
                              Variant.on_hand + delta >= 0)
        .values(on_hand=Variant.on_hand + delta).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        available, sku = _describe(variant_id)
        if sku is None:
            raise InvalidAdjustment(f"Variant {variant_id} does not exist.")
        raise InvalidAdjustment(
            f"{sku}: removing {-delta} would leave less than is on hand or already reserved for orders.")
    _record(variant_id, kind, on_hand_delta=delta, actor_id=actor_id, note=note)


def adjust_many(deltas: list[tuple[int, int, str]], kind: MovementKind, *, actor_id: int | None = None) -> None:
    """Batch form of ``adjust`` for imports: (variant_id, delta, note) triples, one executemany UPDATE with the
    same guard (never below reserved or zero) and one bulk INSERT of ledger rows. All or nothing: if any row
    is refused, raises InvalidAdjustment (the caller rolls back)."""
    if kind not in ADJUSTMENT_KINDS:
        raise InvalidAdjustment(f"{kind} is not a stock adjustment")
    deltas = [(vid, delta, note) for vid, delta, note in deltas if delta]
    if not deltas:
        return
    table = Variant.__table__
    result = db.session.execute(
        update(table).where(table.c.id == bindparam("vid"), table.c.on_hand + bindparam("delta") >= table.c.reserved,
                            table.c.on_hand + bindparam("delta") >= 0)
        .values(on_hand=table.c.on_hand + bindparam("delta")),
        [{"vid": vid, "delta": delta} for vid, delta, _ in deltas])
    if result.rowcount != len(deltas):
        raise InvalidAdjustment(f"{len(deltas) - result.rowcount} of {len(deltas)} stock changes would leave less "
                                "than is reserved for orders.")
    db.session.execute(insert(StockMovement), [
        {"variant_id": vid, "kind": kind.value, "on_hand_delta": delta, "reserved_delta": 0, "actor_id": actor_id,
         "note": note[:300]} for vid, delta, note in deltas])


def set_on_hand(variant_id: int, on_hand: int, *, kind: MovementKind = MovementKind.COUNT,
                actor_id: int | None = None, note: str = "") -> int:
    """Set on-hand stock to a counted value; writes the difference to the ledger. Returns the delta."""
    if on_hand < 0:
        raise InvalidAdjustment("Stock on hand cannot be negative.")
    current = db.session.scalar(select(Variant.on_hand).where(Variant.id == variant_id).with_for_update())
    if current is None:
        raise InvalidAdjustment(f"Variant {variant_id} does not exist.")
    delta = on_hand - current
    if delta:
        adjust(variant_id, delta, kind, actor_id=actor_id, note=note)
    return delta


def ledger_totals(variant_id: int) -> tuple[int, int]:
    """(sum of on-hand deltas, sum of reserved deltas) from the ledger, for invariant checks."""
    row = db.session.execute(
        select(func.coalesce(func.sum(StockMovement.on_hand_delta), 0),
               func.coalesce(func.sum(StockMovement.reserved_delta), 0))
        .where(StockMovement.variant_id == variant_id)).one()
    return int(row[0]), int(row[1])

"""Stock: every change is one conditional UPDATE (never read-then-write in Python) plus a ledger row.

reserve  : reserved += q   only WHERE on_hand - reserved >= q   (order placed)
release  : reserved -= q   only WHERE reserved >= q             (order cancelled / expired)
consume  : on_hand -= q, reserved -= q  WHERE reserved >= q     (order paid)
adjust   : on_hand += d    only WHERE on_hand + d >= reserved   (restock, damage, count, return)

The callers own the transaction (one per use case); these functions only flush.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, insert, select, update

from store.alerts.services import stock_may_have_returned
from store.catalog.availability import shortage_message
from store.catalog.models import Variant
from store.extensions import db
from store.inventory.models import MovementKind, StockMovement, StockReceipt, StockReceiptLine
from store.util import utcnow


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
            order_id: int | None = None, actor_id: int | None = None, note: str = "", actor: str | None = None,
            receipt_id: int | None = None) -> StockMovement:
    movement = StockMovement(variant_id=variant_id, kind=kind.value, on_hand_delta=on_hand_delta,
                             reserved_delta=reserved_delta, order_id=order_id, actor_id=actor_id, note=note[:300],
                             actor=(actor or "system")[:120], receipt_id=receipt_id)
    db.session.add(movement)
    if on_hand_delta - reserved_delta > 0:  # more is available: tell who waits for it (back-in-stock alerts)
        stock_may_have_returned([variant_id])
    return movement


def _describe(variant_id: int) -> tuple[int | None, str | None]:
    row = db.session.execute(
        select(Variant.on_hand - Variant.reserved, Variant.sku).where(Variant.id == variant_id)).first()
    return (max(row[0], 0), row[1]) if row else (None, None)


def reserve(variant_id: int, quantity: int, *, order_id: int | None = None, name: str | None = None,
            actor: str = "customer", note: str = "") -> None:
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
    _record(variant_id, MovementKind.RESERVE, reserved_delta=quantity, order_id=order_id, actor=actor, note=note)


def release(variant_id: int, quantity: int, *, order_id: int | None = None, note: str = "",
            actor: str = "system") -> None:
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    result = db.session.execute(
        update(Variant).where(Variant.id == variant_id, Variant.reserved >= quantity)
        .values(reserved=Variant.reserved - quantity).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StockError(f"Cannot release {quantity} of variant {variant_id}: not reserved")
    _record(variant_id, MovementKind.RELEASE, reserved_delta=-quantity, order_id=order_id, note=note, actor=actor)


def consume(variant_id: int, quantity: int, *, order_id: int | None = None, actor: str = "system") -> None:
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    result = db.session.execute(
        update(Variant).where(Variant.id == variant_id, Variant.reserved >= quantity, Variant.on_hand >= quantity)
        .values(on_hand=Variant.on_hand - quantity, reserved=Variant.reserved - quantity)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StockError(f"Cannot consume {quantity} of variant {variant_id}: not reserved")
    _record(variant_id, MovementKind.CONSUME, on_hand_delta=-quantity, reserved_delta=-quantity, order_id=order_id,
            actor=actor)


def return_to_stock(variant_id: int, quantity: int, *, order_id: int, actor: str, note: str = "") -> None:
    """Units of an order back on the shelf (a refund or a return): on_hand += q, a "return" ledger row naming
    the order and who did it."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    result = db.session.execute(update(Variant).where(Variant.id == variant_id)
                                .values(on_hand=Variant.on_hand + quantity)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StockError(f"Cannot return {quantity} of variant {variant_id}: it no longer exists")
    _record(variant_id, MovementKind.RETURN, on_hand_delta=quantity, order_id=order_id, actor=actor, note=note)


ADJUSTMENT_KINDS = {MovementKind.INITIAL, MovementKind.RESTOCK, MovementKind.DAMAGED, MovementKind.COUNT,
                    MovementKind.RETURN}


def adjust(variant_id: int, delta: int, kind: MovementKind, *, actor_id: int | None = None, note: str = "",
           actor: str | None = None) -> None:
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
    _record(variant_id, kind, on_hand_delta=delta, actor_id=actor_id, note=note, actor=actor)


def adjust_many(deltas: list[tuple[int, int, str]], kind: MovementKind, *, actor_id: int | None = None,
                actor: str | None = None) -> None:
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
         "actor": (actor or "system")[:120], "note": note[:300]} for vid, delta, note in deltas])
    stock_may_have_returned([vid for vid, delta, _ in deltas if delta > 0])


def set_on_hand(variant_id: int, on_hand: int, *, kind: MovementKind = MovementKind.COUNT,
                actor_id: int | None = None, note: str = "", actor: str | None = None) -> int:
    """Set on-hand stock to a counted value; writes the difference to the ledger. Returns the delta."""
    if on_hand < 0:
        raise InvalidAdjustment("Stock on hand cannot be negative.")
    current = db.session.scalar(select(Variant.on_hand).where(Variant.id == variant_id).with_for_update())
    if current is None:
        raise InvalidAdjustment(f"Variant {variant_id} does not exist.")
    delta = on_hand - current
    if delta:
        adjust(variant_id, delta, kind, actor_id=actor_id, note=note, actor=actor)
    return delta


# ------------------------------------------------------------------ receipts and counts
# The callers own the transaction and take the write lock first (``transaction(write=True)``): on PostgreSQL
# each variant row is locked (FOR UPDATE) before it changes, so a concurrent checkout's reserve waits for it
# and then re-checks ``on_hand - reserved`` against the new numbers; nothing it did is lost.

def receive(lines: list[tuple[int, int]], *, supplier: str, reference: str = "", received_on: date,
            actor: str, actor_id: int | None = None, note: str = "") -> StockReceipt:
    """Write a receipt and raise on-hand for each (variant_id, quantity > 0) line; one ledger row per line."""
    if not lines:
        raise InvalidAdjustment("A receipt needs at least one line.")
    seen: set[int] = set()
    for variant_id, quantity in lines:
        if quantity <= 0:
            raise InvalidAdjustment("Every line needs a quantity above 0.")
        if variant_id in seen:
            raise InvalidAdjustment("Each variant may appear only once on a receipt.")
        seen.add(variant_id)
    skus = dict(db.session.execute(select(Variant.id, Variant.sku).where(Variant.id.in_(seen)).order_by(Variant.id)
                                   .with_for_update()).all())
    missing = seen - set(skus)
    if missing:
        raise InvalidAdjustment(f"Variant(s) {', '.join(map(str, sorted(missing)))} do not exist.")
    receipt = StockReceipt(supplier=supplier[:120], reference=reference[:120], received_on=received_on,
                           actor=actor[:120], note=note[:300])
    receipt.lines = [StockReceiptLine(variant_id=vid, sku=skus[vid], quantity=q) for vid, q in lines]
    db.session.add(receipt)
    db.session.flush()
    label = f"Receipt #{receipt.id} from {supplier}" + (f" ({reference})" if reference else "")
    for vid, q in sorted(lines):  # a fixed lock order across concurrent receipts
        db.session.execute(update(Variant).where(Variant.id == vid).values(on_hand=Variant.on_hand + q)
                           .execution_options(synchronize_session=False))
        _record(vid, MovementKind.RECEIPT, on_hand_delta=q, actor_id=actor_id, actor=actor, note=label,
                receipt_id=receipt.id)
    return receipt


class ReceiptReversalRefused(InvalidAdjustment):
    pass


def reverse_receipt(receipt_id: int, *, actor: str, actor_id: int | None = None) -> StockReceipt:
    """Take a receipt's units back out (opposite movements), all or nothing: refused if any line would leave
    on-hand below what is reserved for orders."""
    receipt = db.session.scalars(select(StockReceipt).where(StockReceipt.id == receipt_id).with_for_update()
                                 .execution_options(populate_existing=True)).first()
    if receipt is None:
        raise InvalidAdjustment("That receipt does not exist.")
    if receipt.reversed_at is not None:
        raise ReceiptReversalRefused(f"Receipt #{receipt.id} was already reversed.")
    lines = sorted((ln for ln in receipt.lines if ln.variant_id is not None), key=lambda ln: ln.variant_id)
    problems = []
    for line in lines:
        result = db.session.execute(
            update(Variant).where(Variant.id == line.variant_id, Variant.on_hand - line.quantity >= Variant.reserved)
            .values(on_hand=Variant.on_hand - line.quantity).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            row = db.session.execute(select(Variant.on_hand, Variant.reserved)
                                     .where(Variant.id == line.variant_id)).first()
            problems.append(f"{line.sku}: taking back {line.quantity} would leave {row[0] - line.quantity} on hand "
                            f"but {row[1]} are reserved for orders" if row else f"{line.sku}: no longer exists")
            continue
        _record(line.variant_id, MovementKind.RECEIPT, on_hand_delta=-line.quantity, actor_id=actor_id,
                actor=actor, note=f"Reversal of receipt #{receipt.id}", receipt_id=receipt.id)
    if problems:
        raise ReceiptReversalRefused("Receipt not reversed (nothing changed): " + "; ".join(problems) + ".")
    receipt.reversed_at = utcnow()
    receipt.reversed_by = actor[:120]
    return receipt


def apply_count(counts: list[tuple[int, int]], *, actor: str, actor_id: int | None = None,
                note: str = "") -> dict[int, int]:
    """Set ON-HAND of each (variant_id, counted) to the counted number, never touching reserved; the difference is
    a "count" ledger row naming the counter. Refused (InvalidAdjustment, nothing kept by the caller's rollback)
    for a count below what is reserved right now. Returns {variant_id: delta}."""
    deltas: dict[int, int] = {}
    problems = []
    for variant_id, counted in sorted(counts):
        if counted < 0:
            problems.append(f"variant {variant_id}: a count cannot be negative")
            continue
        row = db.session.execute(select(Variant.on_hand, Variant.reserved, Variant.sku)
                                 .where(Variant.id == variant_id).with_for_update()).first()
        if row is None:
            problems.append(f"variant {variant_id} does not exist")
            continue
        on_hand, reserved, sku = row
        # Conditional on the locked on-hand (and reserved <= counted): a reserve that slipped in is re-checked.
        result = db.session.execute(
            update(Variant).where(Variant.id == variant_id, Variant.on_hand == on_hand, Variant.reserved <= counted)
            .values(on_hand=counted).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            current = db.session.scalar(select(Variant.reserved).where(Variant.id == variant_id))
            problems.append(f"{sku}: counted {counted} but {current} are reserved for orders (count again)")
            continue
        delta = counted - on_hand
        deltas[variant_id] = delta
        if delta:
            _record(variant_id, MovementKind.COUNT, on_hand_delta=delta, actor_id=actor_id, actor=actor,
                    note=note or f"Stock count by {actor}")
    if problems:
        raise InvalidAdjustment("Count not saved (nothing changed): " + "; ".join(problems) + ".")
    return deltas


def consumed_since(variant_ids, since) -> dict[int, int]:
    """Units consumed (sold and paid) per variant since ``since``, from the ledger."""
    ids = list(variant_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(StockMovement.variant_id, func.sum(-StockMovement.on_hand_delta))
        .where(StockMovement.variant_id.in_(ids), StockMovement.kind == MovementKind.CONSUME.value,
               StockMovement.created_at >= since).group_by(StockMovement.variant_id)).all()
    return {vid: int(n or 0) for vid, n in rows}


def ledger_totals(variant_id: int) -> tuple[int, int]:
    """(sum of on-hand deltas, sum of reserved deltas) from the ledger, for invariant checks."""
    row = db.session.execute(
        select(func.coalesce(func.sum(StockMovement.on_hand_delta), 0),
               func.coalesce(func.sum(StockMovement.reserved_delta), 0))
        .where(StockMovement.variant_id == variant_id)).one()
    return int(row[0]), int(row[1])

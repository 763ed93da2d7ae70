"""Back-office stock: adjustments with a reason, per-variant history, CSV export and all-or-nothing import.
Every stock change goes through store.inventory.services (one conditional UPDATE + a ledger row)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import joinedload, selectinload

from store.admin.forms import compare_at_problem
from store.admin.audit import services as audit
from store.admin.audit.models import AuditLog
from store.catalog.models import Category, Product, Variant
from store.db import lock_row, transaction
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.models import MovementKind, StockMovement, StockReceipt
from store.money import AmountTooLarge, MoneyError, cents_to_decimal_string, parse_money
from store.util import utcnow

ADJUST_REASONS = {
    "restock": (MovementKind.RESTOCK, "Restock (units received)", +1),
    "damaged": (MovementKind.DAMAGED, "Damaged or lost (units removed)", -1),
    "count": (MovementKind.COUNT, "Count correction (set to counted total)", 0),
    "return": (MovementKind.RETURN, "Customer return (units back in stock)", +1),
}


def adjust_stock(variant_id: int, reason: str, quantity: int, note: str, *, actor_id: int | None,
                 actor: str | None = None) -> int:
    """One admin adjustment. For restock/return/damaged ``quantity`` is a count of units (> 0); for a count
    correction it is the counted on-hand total (>= 0). Returns the change applied to on-hand."""
    if reason not in ADJUST_REASONS:
        raise inventory.InvalidAdjustment("Choose a reason for the adjustment.")
    kind, _label, sign = ADJUST_REASONS[reason]
    with transaction(write=True):
        variant = lock_row(Variant, variant_id)
        if variant is None:
            raise inventory.InvalidAdjustment("That variant no longer exists.")
        before = variant.on_hand
        if sign == 0:
            delta = inventory.set_on_hand(variant_id, quantity, kind=kind, actor_id=actor_id, note=note,
                                          actor=actor)
            if delta == 0:
                raise inventory.InvalidAdjustment(f"The count matches the stock on hand ({quantity}); nothing changed.")
        else:
            if quantity <= 0:
                raise inventory.InvalidAdjustment("Enter how many units, more than 0.")
            delta = sign * quantity
            inventory.adjust(variant_id, delta, kind, actor_id=actor_id, note=note, actor=actor)
        audit.record(actor_id, "stock.adjust", ("variant", variant_id), {"on_hand": [before, before + delta]},
                     reason=f"{reason}: {note}".strip(": "))
    return delta


def history_statement(variant_id: int):
    return (select(StockMovement).where(StockMovement.variant_id == variant_id)
            .order_by(StockMovement.created_at.desc(), StockMovement.id.desc()))


# ------------------------------------------------------------------ CSV

CSV_COLUMNS = ["sku", "price", "compare_at", "on_hand"]
MAX_ON_HAND = 1_000_000  # the same ceiling as the stock adjustment form
EXPORT_COLUMNS = ["sku", "product", "option", "price", "compare_at", "on_hand", "reserved"]


def export_csv() -> str:
    currency = current_app.config["STORE_CURRENCY"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    rows = db.session.execute(
        select(Variant.sku, Product.name, Variant.option_label, Variant.price_cents, Variant.compare_at_cents,
               Variant.on_hand, Variant.reserved)
        .join(Product, Variant.product_id == Product.id).order_by(Product.name, Variant.position, Variant.id))
    for sku, name, label, price, compare_at, on_hand, reserved in rows:
        writer.writerow([sku, name, label, cents_to_decimal_string(price, currency),
                         "" if compare_at is None else cents_to_decimal_string(compare_at, currency),
                         on_hand, reserved])
    return out.getvalue()


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportRow:
    line: int
    variant_id: int
    sku: str
    price_cents: int
    compare_at_cents: int | None
    on_hand: int


@dataclass
class ImportResult:
    rows: int = 0
    price_changes: int = 0
    stock_changes: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the file; nothing was changed.")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportRejected([RowError(line, "the file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")])


def validate_csv(data: bytes, max_errors: int = 200) -> list[ImportRow]:
    """Parse and check every row; raise ImportRejected with every problem (line numbers as in a spreadsheet,
    the header being line 1). Variants are loaded by SKU in one query."""
    text = _decode(data)
    if "\x00" in text:  # never in a text CSV, and PostgreSQL refuses it in a query (a 500, not a row error)
        line = text[:text.index("\x00")].count("\n") + 1
        raise ImportRejected([RowError(line, "the file contains NUL bytes, so it is not a text CSV. Export it "
                                             "again as “CSV UTF-8” and try again.")])
    if not text.strip():
        raise ImportRejected([RowError(0, "The file is empty.")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise ImportRejected([RowError(1, f"not a readable CSV header ({exc}).")]) from exc
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ImportRejected([RowError(1, "missing column(s): " + ", ".join(missing)
                                       + ". Expected: " + ", ".join(CSV_COLUMNS) + ".")])
    index = {c: header.index(c) for c in CSV_COLUMNS}
    raw: list[tuple[int, list[str]]] = []
    errors: list[RowError] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            raw.append((reader.line_num, record))
    except csv.Error as exc:
        raise ImportRejected([RowError(reader.line_num, f"not valid CSV ({exc}).")]) from exc

    written = {r[index["sku"]].strip() for _, r in raw if len(r) > index["sku"]}
    skus = {s.lower() for s in written}
    known: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(sorted(written), 5000):
        for vid, sku, reserved in db.session.execute(
                select(Variant.id, Variant.sku, Variant.reserved).where(Variant.sku.in_(chunk))):
            known[sku.lower()] = (vid, reserved)
    if len(known) < len(skus):  # SKUs differing only in case: second, case-insensitive pass in Python
        for vid, sku, reserved in db.session.execute(select(Variant.id, Variant.sku, Variant.reserved)):
            known.setdefault(sku.lower(), (vid, reserved))

    currency = current_app.config["STORE_CURRENCY"]
    seen: dict[str, int] = {}
    rows: list[ImportRow] = []
    for line, record in raw:
        if len(errors) >= max_errors:
            errors.append(RowError(0, f"…and more; stopped after {max_errors} problems."))
            break
        if len(record) < len(header):
            errors.append(RowError(line, f"expected {len(header)} columns, found {len(record)}."))
            continue
        sku = record[index["sku"]].strip()
        problems = []
        if not sku:
            problems.append("SKU is empty")
        elif sku.lower() in seen:
            problems.append(f"SKU {sku} appears twice (first on line {seen[sku.lower()]})")
        elif sku.lower() not in known:
            problems.append(f"unknown SKU {sku}")
        if sku:
            seen.setdefault(sku.lower(), line)
        price = compare_at = on_hand = None
        try:
            price = parse_money(record[index["price"]], currency)
        except AmountTooLarge as exc:
            problems.append(f"price {record[index['price']].strip()!r} is too large ({exc})")
        except MoneyError:
            problems.append(f"price {record[index['price']].strip()!r} is not an amount like 12.50")
        compare_text = record[index["compare_at"]].strip()
        if compare_text:
            try:
                compare_at = parse_money(compare_text, currency)
            except AmountTooLarge as exc:
                problems.append(f"compare_at {compare_text!r} is too large ({exc})")
            except MoneyError:
                problems.append(f"compare_at {compare_text!r} is not an amount like 12.50 (or leave it empty)")
        if compare_at is not None and price is not None and compare_at_problem(price, compare_at):
            problems.append(f"compare_at {compare_text} must be above the price (or leave it empty)")
        stock_text = record[index["on_hand"]].strip()
        try:
            on_hand = int(stock_text)
        except ValueError:
            problems.append(f"on_hand {stock_text!r} is not a whole number")
        else:
            if on_hand < 0:
                problems.append(f"on_hand {on_hand} is negative")
            elif on_hand > MAX_ON_HAND:
                problems.append(f"on_hand {on_hand} is more than {MAX_ON_HAND:,}; check the column")
            elif sku.lower() in known and on_hand < known[sku.lower()][1]:
                problems.append(f"on_hand {on_hand} is below the {known[sku.lower()][1]} units reserved "
                                "for open orders")
        if problems:
            errors.append(RowError(line, "; ".join(problems) + "."))
            continue
        rows.append(ImportRow(line, known[sku.lower()][0], sku, price, compare_at, on_hand))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(0, "The file has a header but no rows.")])
    return rows


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def apply_import(rows: list[ImportRow], *, actor_id: int | None, source: str = "CSV import",
                 batch_size: int = 1000, progress=None, actor: str | None = None) -> ImportResult:
    """Apply validated rows in ONE transaction (all or nothing), batch by batch: lock the batch's variants
    in one query, bulk-update changed prices (audited), and move stock through the ledger as count
    corrections. ``progress(n)`` is called after each batch with the number of rows done."""
    result = ImportResult(rows=len(rows))
    try:
        with transaction(write=True):
            for batch in _chunks(rows, batch_size):
                ids = [r.variant_id for r in batch]
                current = {vid: (price, compare_at, on_hand)
                           for vid, price, compare_at, on_hand in db.session.execute(
                               select(Variant.id, Variant.price_cents, Variant.compare_at_cents, Variant.on_hand)
                               .where(Variant.id.in_(ids)).with_for_update())}
                price_updates, audit_rows, stock_deltas = [], [], []
                for row in batch:
                    price, compare_at, on_hand = current[row.variant_id]
                    changes = {}
                    if price != row.price_cents:
                        changes["price_cents"] = [price, row.price_cents]
                    if compare_at != row.compare_at_cents:
                        changes["compare_at_cents"] = [compare_at, row.compare_at_cents]
                    if changes:
                        price_updates.append({"id": row.variant_id, "price_cents": row.price_cents,
                                              "compare_at_cents": row.compare_at_cents})
                        audit_rows.append({"actor_id": actor_id, "action": "variant.price",
                                           "object_type": "variant", "object_id": str(row.variant_id),
                                           "changes": changes, "reason": f"{source}, line {row.line}"[:500]})
                    if on_hand != row.on_hand:
                        stock_deltas.append((row.variant_id, row.on_hand - on_hand,
                                             f"{source}, line {row.line}"))
                if price_updates:
                    db.session.execute(update(Variant), price_updates)
                    db.session.execute(insert(AuditLog), audit_rows)
                    result.price_changes += len(price_updates)
                if stock_deltas:
                    inventory.adjust_many(stock_deltas, MovementKind.COUNT, actor_id=actor_id, actor=actor)
                    result.stock_changes += len(stock_deltas)
                db.session.flush()
                if progress:
                    progress(len(batch))
            audit.record(actor_id, "inventory.import", ("inventory", "csv"),
                         {"rows": [None, result.rows], "price_changes": [None, result.price_changes],
                          "stock_changes": [None, result.stock_changes]}, reason=source)
    except inventory.InvalidAdjustment as exc:
        raise ImportRejected([RowError(0, f"{exc} (stock changed while importing; nothing was changed)")]) from exc
    return result


def import_csv(data: bytes, *, actor_id: int | None, source: str = "CSV import", progress=None,
               actor: str | None = None) -> ImportResult:
    rows = validate_csv(data)
    return apply_import(rows, actor_id=actor_id, source=source, progress=progress, actor=actor)


def variant_with_product(variant_id: int) -> Variant | None:
    return db.session.scalar(select(Variant).where(Variant.id == variant_id).options(joinedload(Variant.product)))


# ------------------------------------------------------------------ receipts, counts, the ledger's history

class LinesRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def parse_lines(text: str, *, allow_zero: bool = False, max_lines: int = 1000) -> list[tuple[int, str, int]]:
    """"SKU, quantity" per line -> [(variant_id, sku, quantity)]; every problem with its line number (blank lines
    count). Quantities above 0 (or >= 0 with ``allow_zero``, for counts), each SKU once."""
    errors: list[RowError] = []
    parsed: list[tuple[int, str, str]] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        if len(parsed) >= max_lines:
            errors.append(RowError(number, f"more than {max_lines} lines; split the list."))
            break
        parts = [p.strip() for p in raw.replace("\t", ",").replace(";", ",").split(",")]
        if len(parts) != 2 or not parts[0]:
            errors.append(RowError(number, f"expected “SKU, quantity”, found {raw.strip()[:60]!r}."))
            continue
        parsed.append((number, parts[0], parts[1]))
    skus = {sku.lower() for _, sku, _ in parsed if "\x00" not in sku}
    known: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted(skus), 500):
        for vid, sku in db.session.execute(select(Variant.id, Variant.sku).where(func.lower(Variant.sku).in_(chunk))):
            known[sku.lower()] = (vid, sku)
    seen: dict[str, int] = {}
    rows: list[tuple[int, str, int]] = []
    minimum = 0 if allow_zero else 1
    for number, sku, qty_text in parsed:
        problems = []
        key = sku.lower()
        if key in seen:
            problems.append(f"SKU {sku} appears twice (first on line {seen[key]})")
        elif key not in known:
            problems.append(f"unknown SKU {sku[:64]}")
        seen.setdefault(key, number)
        try:
            quantity = int(qty_text)
        except ValueError:
            problems.append(f"quantity {qty_text[:20]!r} is not a whole number")
        else:
            if quantity < minimum or quantity > MAX_ON_HAND:
                problems.append(f"quantity {quantity} must be between {minimum} and {MAX_ON_HAND:,}")
        if problems:
            errors.append(RowError(number, "; ".join(problems) + "."))
            continue
        rows.append((known[key][0], known[key][1], quantity))
    if errors:
        raise LinesRejected(errors)
    if not rows:
        raise LinesRejected([RowError(0, "Enter at least one line: SKU, quantity.")])
    return rows


def receive_stock(lines_text: str, *, supplier: str, reference: str, received_on, actor: str,
                  actor_id: int | None, note: str = ""):
    rows = parse_lines(lines_text)
    with transaction(write=True):
        receipt = inventory.receive([(vid, q) for vid, _sku, q in rows], supplier=supplier, reference=reference,
                                    received_on=received_on, actor=actor, actor_id=actor_id, note=note)
        audit.record(actor_id, "stock.receipt", ("receipt", receipt.id),
                     {"units": [None, sum(q for _v, _s, q in rows)], "lines": [None, len(rows)]},
                     reason=f"{supplier} {reference}".strip())
    return receipt


def reverse_receipt(receipt_id: int, *, actor: str, actor_id: int | None):
    with transaction(write=True):
        receipt = inventory.reverse_receipt(receipt_id, actor=actor, actor_id=actor_id)
        audit.record(actor_id, "stock.receipt_reverse", ("receipt", receipt.id),
                     {"reversed": [False, True]}, reason=f"{receipt.supplier} {receipt.reference}".strip())
    return receipt


def receipts_statement():
    return select(StockReceipt).order_by(StockReceipt.received_on.desc(), StockReceipt.id.desc())


def receipt_with_lines(receipt_id: int):
    return db.session.scalar(select(StockReceipt).where(StockReceipt.id == receipt_id)
                             .options(selectinload(StockReceipt.lines)))


def count_sheet(category_id: int | None = None, skus_text: str = "") -> list[Variant]:
    """The variants to count: a category's, or the listed SKUs (one per line or comma-separated)."""
    query = select(Variant).join(Product, Variant.product_id == Product.id).options(joinedload(Variant.product))
    if category_id:
        query = query.where(Product.category_id == category_id)
    else:
        wanted = {s.strip().lower() for s in (skus_text or "").replace(",", "\n").splitlines() if s.strip()}
        if not wanted:
            return []
        query = query.where(func.lower(Variant.sku).in_(sorted(wanted)[:1000]))
    return list(db.session.scalars(query.order_by(Product.name, Variant.position, Variant.id)))


def apply_count(counts: list[tuple[int, int]], *, actor: str, actor_id: int | None, note: str = "") -> dict[int, int]:
    if not counts:
        raise inventory.InvalidAdjustment("Enter at least one counted quantity.")
    with transaction(write=True):
        deltas = inventory.apply_count(counts, actor=actor, actor_id=actor_id, note=note)
        audit.record(actor_id, "stock.count", ("inventory", "count"),
                     {"variants": [None, len(counts)], "changed": [None, sum(1 for d in deltas.values() if d)]},
                     reason=note or f"Stock count by {actor}")
    return deltas


def categories():
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def history_filtered(variant_id: int, *, kind: str | None = None, since=None, until=None):
    query = history_statement(variant_id)
    if kind:
        query = query.where(StockMovement.kind == kind)
    if since:
        query = query.where(StockMovement.created_at >= datetime.combine(since, time.min))
    if until:
        query = query.where(StockMovement.created_at < datetime.combine(until + timedelta(days=1), time.min))
    return query


def history_csv(variant_id: int, **filters) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["when_utc", "kind", "on_hand_delta", "reserved_delta", "order_id", "receipt_id", "actor",
                     "note"])
    for mv in db.session.scalars(history_filtered(variant_id, **filters)):
        writer.writerow([mv.created_at.strftime("%Y-%m-%d %H:%M:%S"), mv.kind, mv.on_hand_delta, mv.reserved_delta,
                         mv.order_id or "", mv.receipt_id or "", _csv_safe(mv.actor), _csv_safe(mv.note)])
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# ------------------------------------------------------------------ the daily low-stock email

def send_low_stock_email(today=None) -> int:
    """One email per admin per day listing what needs restocking (dedupe key with the date); none when nothing
    does. Returns the number of outbox rows written."""
    from store.accounts.models import Role, User
    from store.admin.dashboard.services import restock_list
    from store.outbox import enqueue_email
    from store.templating import absolute_url_for
    today = today or utcnow().date()
    written = 0
    with transaction():
        items = restock_list(limit=200)
        if not items:
            return 0
        admins = list(db.session.scalars(select(User.email).where(User.role == Role.ADMIN.value)
                                         .order_by(User.id)))
        name = current_app.config["STORE_NAME"]
        for email in admins:
            row = enqueue_email(key=f"low-stock:{today.isoformat()}:{email}", to=email,
                                subject=f"{name}: {len(items)} item(s) to restock", template="low_stock",
                                items=items, today=today, store_name=name,
                                dashboard_url=absolute_url_for("admin.dashboard"))
            written += 1 if row else 0
    return written

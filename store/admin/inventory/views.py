"""Back office: stock adjustments, per-variant history, CSV export/import."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store import util
from store.admin import bp
from store.admin.downloads import csv_download
from store.admin.inventory import services as service
from store.admin.inventory.forms import CountForm, CsvImportForm, ReceiptForm, ReverseReceiptForm, StockAdjustForm
from store.extensions import db
from store.inventory.models import MovementKind
from store.inventory.services import StockError
from store.util import date_arg, int_in_range, page_number, utcnow


def _variant_or_404(variant_id: int):
    variant = service.variant_with_product(variant_id)
    if variant is None:
        abort(404)
    return variant


@bp.route("/variants/<int:variant_id>/stock", methods=["GET", "POST"])
def variant_stock(variant_id: int):
    variant = _variant_or_404(variant_id)
    form = StockAdjustForm()
    if form.validate_on_submit():
        try:
            delta = service.adjust_stock(variant.id, form.reason.data, form.quantity.data, form.note.data or "",
                                         actor_id=current_user.id, actor=_actor())
        except StockError as exc:
            form.quantity.errors.append(str(exc))
        else:
            flash(f"Stock for {variant.sku} changed by {delta:+d}.", "success")
            return redirect(url_for("admin.variant_stock", variant_id=variant.id))
        variant = _variant_or_404(variant_id)
    page = page_number(request.args.get("page"))
    filters = _history_filters()
    pagination = db.paginate(service.history_filtered(variant.id, **filters), page=page, per_page=50,
                             error_out=False)
    util.require_page_in_range(pagination)
    status = 400 if form.errors else 200
    return render_template("admin/variant_stock.html", variant=variant, form=form, pagination=pagination,
                           filters=filters, kinds=[k.value for k in MovementKind]), status


def _actor() -> str:
    return current_user.email


def _history_filters() -> dict:
    kind = request.args.get("kind", "")
    return {"kind": kind if kind in {k.value for k in MovementKind} else None,
            "since": date_arg(request.args.get("since")), "until": date_arg(request.args.get("until"))}


@bp.get("/variants/<int:variant_id>/stock.csv")
def variant_stock_csv(variant_id: int):
    variant = _variant_or_404(variant_id)
    return csv_download(f"stock-{variant.id}", service.history_csv(variant.id, **_history_filters()))


# ------------------------------------------------------------------ receipts

@bp.get("/receipts")
def receipts():
    pagination = db.paginate(service.receipts_statement(), page=page_number(request.args.get("page")),
                             per_page=50, error_out=False)
    util.require_page_in_range(pagination)
    return render_template("admin/receipts.html", pagination=pagination)


@bp.route("/receipts/new", methods=["GET", "POST"])
def receipt_new():
    form = ReceiptForm()
    if request.method == "GET" and form.received_on.data is None:
        form.received_on.data = utcnow().date()
    errors = None
    if form.validate_on_submit():
        try:
            receipt = service.receive_stock(form.lines.data, supplier=form.supplier.data.strip(),
                                            reference=(form.reference.data or "").strip(),
                                            received_on=form.received_on.data, actor=_actor(),
                                            actor_id=current_user.id, note=form.note.data or "")
        except service.LinesRejected as exc:
            errors = exc.errors
        except StockError as exc:
            errors = [service.RowError(0, str(exc))]
        else:
            flash(f"Receipt #{receipt.id} received: {sum(ln.quantity for ln in receipt.lines)} units on "
                  f"{len(receipt.lines)} line(s).", "success")
            return redirect(url_for("admin.receipt_detail", receipt_id=receipt.id))
    status = 400 if (form.errors or errors) else 200
    return render_template("admin/receipt_new.html", form=form, errors=errors), status


def _receipt_or_404(receipt_id: int):
    receipt = service.receipt_with_lines(receipt_id)
    if receipt is None:
        abort(404)
    return receipt


@bp.get("/receipts/<int:receipt_id>")
def receipt_detail(receipt_id: int):
    return render_template("admin/receipt_detail.html", receipt=_receipt_or_404(receipt_id),
                           form=ReverseReceiptForm())


@bp.post("/receipts/<int:receipt_id>/reverse")
def receipt_reverse(receipt_id: int):
    receipt = _receipt_or_404(receipt_id)
    form = ReverseReceiptForm()
    if not form.validate_on_submit():
        return render_template("admin/receipt_detail.html", receipt=receipt, form=form), 400
    try:
        service.reverse_receipt(receipt.id, actor=_actor(), actor_id=current_user.id)
    except StockError as exc:
        flash(str(exc), "error")
        return render_template("admin/receipt_detail.html", receipt=_receipt_or_404(receipt_id), form=form,
                               refused=str(exc)), 409
    flash(f"Receipt #{receipt_id} reversed: its units were taken back out of stock.", "success")
    return redirect(url_for("admin.receipt_detail", receipt_id=receipt_id))


# ------------------------------------------------------------------ stock counts

@bp.route("/stock-count", methods=["GET", "POST"])
def stock_count():
    category_id = int_in_range(request.values.get("category")) if request.values.get("category") else None
    skus = (request.values.get("skus") or "")[:20_000].replace("\x00", "")
    variants = service.count_sheet(category_id, skus)
    form = CountForm()
    errors: list[str] = []
    values: dict[int, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            errors.append("The form expired or is invalid; reload the page and count again.")
        counts = []
        for v in variants:
            raw = (request.form.get(f"count-{v.id}") or "").strip()
            values[v.id] = raw
            if raw == "":
                continue
            number = int_in_range(raw, 0, service.MAX_ON_HAND)
            if number is None:
                errors.append(f"{v.sku}: {raw[:20]!r} is not a whole number from 0 to {service.MAX_ON_HAND:,}.")
            else:
                counts.append((v.id, number))
        if not errors and not counts:
            errors.append("Enter at least one counted quantity (leave a variant empty to skip it).")
        if not errors:
            try:
                deltas = service.apply_count(counts, actor=_actor(), actor_id=current_user.id,
                                             note=form.note.data or "")
            except StockError as exc:
                errors.append(str(exc))
            else:
                changed = sum(1 for d in deltas.values() if d)
                flash(f"Count saved: {len(deltas)} variant(s) counted, {changed} changed.", "success")
                return redirect(url_for("admin.stock_count", category=category_id or None, skus=skus or None))
    return render_template("admin/stock_count.html", variants=variants, categories=service.categories(),
                           category_id=category_id, skus=skus, form=form, errors=errors, values=values), \
        (400 if errors else 200)


@bp.get("/inventory")
def inventory_home():
    return render_template("admin/inventory.html", form=CsvImportForm(), errors=None, result=None)


@bp.get("/inventory/export.csv")
def inventory_export():
    return csv_download("inventory", service.export_csv())


@bp.post("/inventory/import")
def inventory_import():
    form = CsvImportForm()
    if not form.validate_on_submit():
        return render_template("admin/inventory.html", form=form, errors=None, result=None), 400
    try:
        result = service.import_csv(form.file.data.read(), actor_id=current_user.id, actor=_actor(),
                                    source=f"CSV import {form.file.data.filename or ''}".strip())
    except service.ImportRejected as exc:
        return render_template("admin/inventory.html", form=form, errors=exc.errors, result=None), 400
    flash(f"Imported {result.rows} rows: {result.price_changes} price changes, "
          f"{result.stock_changes} stock changes.", "success")
    return redirect(url_for("admin.inventory_home"))

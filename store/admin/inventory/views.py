"""Back office: stock adjustments, per-variant history, CSV export/import."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.admin import bp
from store.admin.inventory import services as service
from store.admin.inventory.forms import CsvImportForm, StockAdjustForm
from store.extensions import db
from store.inventory.services import StockError
from store.util import page_number, utcnow


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
                                         actor_id=current_user.id)
        except StockError as exc:
            form.quantity.errors.append(str(exc))
        else:
            flash(f"Stock for {variant.sku} changed by {delta:+d}.", "success")
            return redirect(url_for("admin.variant_stock", variant_id=variant.id))
        variant = _variant_or_404(variant_id)
    page = page_number(request.args.get("page"))
    pagination = db.paginate(service.history_statement(variant.id), page=page, per_page=50, error_out=False)
    status = 400 if form.errors else 200
    return render_template("admin/variant_stock.html", variant=variant, form=form, pagination=pagination), status


@bp.get("/inventory")
def inventory_home():
    return render_template("admin/inventory.html", form=CsvImportForm(), errors=None, result=None)


@bp.get("/inventory/export.csv")
def inventory_export():
    filename = f"kneadwell-inventory-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(service.export_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/inventory/import")
def inventory_import():
    form = CsvImportForm()
    if not form.validate_on_submit():
        return render_template("admin/inventory.html", form=form, errors=None, result=None), 400
    try:
        result = service.import_csv(form.file.data.read(), actor_id=current_user.id,
                                    source=f"CSV import {form.file.data.filename or ''}".strip())
    except service.ImportRejected as exc:
        return render_template("admin/inventory.html", form=form, errors=exc.errors, result=None), 400
    flash(f"Imported {result.rows} rows: {result.price_changes} price changes, "
          f"{result.stock_changes} stock changes.", "success")
    return redirect(url_for("admin.inventory_home"))

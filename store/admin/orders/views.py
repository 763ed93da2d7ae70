"""Back office: orders list, detail and the actions the state machine allows."""
from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store import util
from store.admin import bp
from store.admin.orders import services as service
from store.admin.orders.forms import CancelForm, DeliverForm, RefundForm, ShipForm
from store.extensions import db
from store.orders.states import FULFILMENT_LABELS, LABELS, PAYMENT_LABELS, InvalidTransition
from store.payments.stripe_gateway import PaymentError


@bp.get("/orders")
def orders():
    f = service.parse_filter(request.args)
    pagination = db.paginate(service.order_list_statement(f), page=f.page, per_page=30, error_out=False)
    util.require_page_in_range(pagination)
    return render_template("admin/orders.html", pagination=pagination, f=f, labels=LABELS,
                           payment_states=PAYMENT_LABELS, fulfilment_states=FULFILMENT_LABELS)


def _detail(order_id: int, ship_form=None, cancel_form=None, refund_form=None, status=200, restock_errors=None):
    order = service.order_for_admin(order_id)
    if order is None:
        abort(404)
    if refund_form is None:
        refund_form = RefundForm(formdata=None)
    if not refund_form.idempotency_key.data:
        refund_form.idempotency_key.data = secrets.token_urlsafe(16)
    cancel_form = cancel_form or CancelForm(formdata=None)
    if not cancel_form.idempotency_key.data:
        cancel_form.idempotency_key.data = secrets.token_urlsafe(16)
    return render_template(
        "admin/order_detail.html", order=order, labels=LABELS, actions=service.allowed_actions(order),
        disclaimer=service.acknowledged_disclaimer(order), ship_form=ship_form or ShipForm(formdata=None),
        cancel_form=cancel_form, refund_form=refund_form, restock_errors=restock_errors or [],
        deliver_form=DeliverForm(formdata=None)), status


@bp.get("/orders/<int:order_id>")
def order_detail(order_id: int):
    return _detail(order_id)


@bp.post("/orders/<int:order_id>/ship")
def order_ship(order_id: int):
    form = ShipForm()
    if form.validate_on_submit():
        try:
            order = service.mark_shipped(order_id, form.carrier.data, form.tracking_number.data,
                                         actor_id=current_user.id)
        except (InvalidTransition, service.OrderActionError) as exc:
            flash(str(exc), "error")
            return redirect(url_for("admin.order_detail", order_id=order_id))
        flash(f"Order {order.number} marked as shipped; the buyer was emailed the tracking number.", "success")
        return redirect(url_for("admin.order_detail", order_id=order_id))
    return _detail(order_id, ship_form=form, status=400)


@bp.post("/orders/<int:order_id>/deliver")
def order_deliver(order_id: int):
    form = DeliverForm()
    if not form.validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return redirect(url_for("admin.order_detail", order_id=order_id))
    try:
        order = service.mark_delivered(order_id, actor_id=current_user.id)
    except (InvalidTransition, service.OrderActionError) as exc:
        flash(str(exc), "error")
    else:
        flash(f"Order {order.number} marked as delivered.", "success")
    return redirect(url_for("admin.order_detail", order_id=order_id))


@bp.post("/orders/<int:order_id>/cancel")
def order_cancel(order_id: int):
    form = CancelForm()
    if not form.validate_on_submit():
        return _detail(order_id, cancel_form=form, status=400)
    try:
        order = service.cancel(order_id, form.note.data, actor_id=current_user.id, key=form.idempotency_key.data or "")
    except (InvalidTransition, service.OrderActionError, PaymentError) as exc:
        flash(str(exc), "error")
    else:
        flash(f"Order {order.number} cancelled; " + ("it was refunded in full and its items are back in stock."
                                                     if order.paid_cents else "its reserved stock is back on sale."),
              "success")
    return redirect(url_for("admin.order_detail", order_id=order_id))


def _line_quantities(order, prefix: str) -> dict[int, int]:
    """{line id: quantity} from fields named <prefix>-<line id>; a value that is not a whole number from 0 to the
    line's quantity raises ValueError with a message for the form."""
    out = {}
    for line in order.lines:
        raw = (request.form.get(f"{prefix}-{line.id}") or "").strip()
        if not raw:
            continue
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{line.product_name}: enter a whole number of items.") from None
        if value < 0 or value > line.quantity:
            raise ValueError(f"{line.product_name}: enter a number from 0 to {line.quantity}.")
        if value:
            out[line.id] = value
    return out


@bp.post("/orders/<int:order_id>/refund")
def order_refund(order_id: int):
    form = RefundForm()
    if not form.validate_on_submit():
        return _detail(order_id, refund_form=form, status=400)
    order = service.order_for_admin(order_id)
    if order is None:
        abort(404)
    try:
        lines = _line_quantities(order, "qty")
    except ValueError as exc:
        form.amount.errors = [str(exc)]
        return _detail(order_id, refund_form=form, status=400)
    restock = {line_id: q for line_id, q in lines.items() if request.form.get(f"restock-{line_id}")}
    shipping = bool(request.form.get("refund_shipping"))
    if not lines and form.amount_cents is None and not shipping:
        form.amount.errors = ["Choose the items (or the shipping) to refund, or enter an amount."]
        return _detail(order_id, refund_form=form, status=400)
    try:
        refund, created = service.refund(order_id, form.amount_cents, form.reason.data, form.idempotency_key.data,
                                         actor_id=current_user.id, lines=lines, restock=restock, shipping=shipping)
    except (service.RefundError, service.OrderActionError, InvalidTransition, PaymentError) as exc:
        form.amount.errors = [str(exc)]
        return _detail(order_id, refund_form=form, status=400)
    if created:
        flash("Refund made." + (" The refunded items are back in stock." if restock else ""), "success")
    else:
        flash("That refund was already made (the form was sent twice); nothing more was refunded.", "info")
    return redirect(url_for("admin.order_detail", order_id=order_id))


@bp.post("/orders/<int:order_id>/restock")
def order_restock(order_id: int):
    """Put items of a shipped or delivered order that came back on the shelf."""
    order = service.order_for_admin(order_id)
    if order is None:
        abort(404)
    if not DeliverForm().validate_on_submit():  # only the CSRF token
        flash("The form had expired; please try again.", "error")
        return redirect(url_for("admin.order_detail", order_id=order_id))
    try:
        quantities = _line_quantities(order, "return")
        service.return_to_stock(order_id, quantities, actor_id=current_user.id)
    except (ValueError, service.OrderActionError) as exc:
        return _detail(order_id, status=400, restock_errors=[str(exc)])
    flash("The returned items are back in stock.", "success")
    return redirect(url_for("admin.order_detail", order_id=order_id))

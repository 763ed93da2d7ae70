"""Customers' order pages (owner-scoped), the signed guest link, and `flask expire-orders`."""
from __future__ import annotations

import click
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from store import util
from store.extensions import limiter
from store.orders import bp, services
from store.orders.forms import OrderLinkForm
from store.orders.states import label, status_label
from store.templating import absolute_url_for
from store.util import page_number


@bp.get("/account/orders")
@login_required
def order_list():
    page = page_number(request.args.get("page"))
    pagination = services.orders_for_user(current_user.id, page=page)
    util.require_page_in_range(pagination)
    guest_count = len(services.guest_orders_for_email(current_user.email))
    return render_template("orders/list.html", pagination=pagination, guest_count=guest_count)


@bp.post("/account/claim-orders")
@login_required
@limiter.limit(lambda: current_app.config.get("ORDER_LINK_RATE_LIMIT", "5 per hour"))
def claim_request():
    """Send the signed link that adds the guest orders placed with this account's email."""
    from store.orders.forms import ClaimForm
    if not ClaimForm().validate_on_submit():
        abort(400)
    count = services.send_claim_link(current_user.id, current_user.email,
                                     lambda token: absolute_url_for("orders.claim", token=token))
    if count:
        flash(f"We have emailed {current_user.email} a link. Open it to add the orders to your account.", "info")
    else:
        flash("There are no guest orders with your email to add.", "info")
    return redirect(url_for("orders.order_list"), code=303)


@bp.route("/account/claim-orders/<token>", methods=["GET", "POST"])
@login_required
def claim(token: str):
    """The emailed link: confirm, then attach (a POST, so following the link alone changes nothing)."""
    from store.orders.forms import ClaimForm
    form = ClaimForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            numbers = services.claim_guest_orders(token, current_user.id, current_user.email)
        except services.ClaimLinkInvalid:
            flash("That link is not valid for this account, or it has expired. Ask for a new one below.", "error")
            return redirect(url_for("orders.order_list"), code=303)
        flash(f"Added {len(numbers)} order{'s' if len(numbers) != 1 else ''} to your account." if numbers
              else "Those orders are already in your account.", "success")
        return redirect(url_for("orders.order_list"), code=303)
    return render_template("orders/claim.html", form=form,
                           count=len(services.guest_orders_for_email(current_user.email)))


@bp.get("/account/orders/<number>")
@login_required
def order_detail(number: str):
    try:
        order = services.order_for_user(number, current_user.id)
    except services.OrderNotFound:
        abort(404)
    return render_template("orders/detail.html", order=order, owner_view=True)


@bp.get("/orders/view/<token>")
def guest_order(token: str):
    """The link in the confirmation email: a signed token, so guests can see their order without an account."""
    try:
        order = services.order_from_token(token)
    except services.OrderLinkExpired:
        flash("That order link has expired. Enter your order number and email, and we will send you a fresh one.",
              "info")
        return redirect(url_for("orders.order_link"))
    except services.OrderNotFound:
        abort(404)
    return render_template("orders/detail.html", order=order, owner_view=False)


LINK_SENT = ("If that order number and email match an order, we have sent a fresh link to see it to that address. "
             "Check your spam folder if it does not arrive.")


@bp.route("/orders/link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("ORDER_LINK_RATE_LIMIT", "5 per hour"), methods=["POST"],
               error_message="Too many attempts in a short time. Please wait a while and try again.")
def order_link():
    """Ask for a fresh guest-order link by email: the same answer whether or not the details match."""
    form = OrderLinkForm()
    if form.validate_on_submit():
        services.request_order_link(form.number.data, form.email.data,
                                    lambda token: absolute_url_for("orders.guest_order", token=token))
        flash(LINK_SENT, "info")
        return redirect(url_for("orders.order_link"), code=303)
    status = 200 if request.method == "GET" or not form.errors else 400
    return render_template("orders/link_request.html", form=form), status


@bp.cli.command("expire-orders")
def expire_orders_command() -> None:
    """Expire unpaid orders past their reservation time and release their stock (safe to run any time)."""
    count = services.expire_due_orders()
    click.echo(f"Expired {count} unpaid order{'s' if count != 1 else ''}; their stock is released.")


@bp.app_template_global()
def order_state_label(state: str) -> str:
    return label(state)


@bp.app_template_global()
def order_status_label(order) -> str:
    """"Paid · Shipped", "Awaiting payment", "Refunded · Delivered" (orders/states.py status_label)."""
    return status_label(order)

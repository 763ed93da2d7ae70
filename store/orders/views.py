"""Customers' order pages (owner-scoped), the signed guest link, and `flask expire-orders`."""
from __future__ import annotations

import click
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from store import util
from store.extensions import limiter
from store.orders import bp, services
from store.orders.forms import OrderLinkForm
from store.orders.states import label
from store.templating import absolute_url_for
from store.util import page_number


@bp.get("/account/orders")
@login_required
def order_list():
    page = page_number(request.args.get("page"))
    pagination = services.orders_for_user(current_user.id, page=page)
    util.require_page_in_range(pagination)
    return render_template("orders/list.html", pagination=pagination)


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

"""Customers' order pages (owner-scoped), the signed guest link, and `flask expire-orders`."""
from __future__ import annotations

import click
from flask import abort, render_template, request
from flask_login import current_user, login_required

from store.orders import bp, services
from store.orders.states import label
from store.util import page_number


@bp.get("/account/orders")
@login_required
def order_list():
    page = page_number(request.args.get("page"))
    pagination = services.orders_for_user(current_user.id, page=page)
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
    except services.OrderNotFound:
        abort(404)
    return render_template("orders/detail.html", order=order, owner_view=False)


@bp.cli.command("expire-orders")
def expire_orders_command() -> None:
    """Expire unpaid orders past their reservation time and release their stock (safe to run any time)."""
    count = services.expire_due_orders()
    click.echo(f"Expired {count} unpaid order{'s' if count != 1 else ''}; their stock is released.")


@bp.app_template_global()
def order_state_label(state: str) -> str:
    return label(state)

"""Cart pages. Plain forms, POST/redirect/GET; add-to-cart also answers JSON for static/js/cart.js."""
from __future__ import annotations

import click
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from store.cart import bp, services
from store.cart.session import current_cart, max_line, remember_count
from flask_login import current_user

from store.catalog.availability import display_name
from store.countries import DEFAULT_COUNTRY
from store.extensions import limiter
from store.pricing import services as pricing
from store.util import is_safe_next


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _back(default_endpoint: str = "cart.view_cart"):
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for(default_endpoint))


def held_by_own_order(cart) -> dict[int, int]:
    """Units this cart's own order awaiting payment reserves (the checkout area provides the lookup through
    ``app.extensions["cart_holds"]``: the cart may not import orders)."""
    lookup = current_app.extensions.get("cart_holds")
    return lookup(cart) if lookup is not None and cart is not None else {}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _email() -> str | None:
    return current_user.email if current_user.is_authenticated else None


def _estimate_country(countries: list[tuple[str, str]]) -> str:
    """The country the cart estimates shipping and tax for: the one chosen on the cart page, else the signed-in
    customer's default address's, else the store's default (always one the store ships to)."""
    wanted = (request.args.get("country") or "").strip().upper()[:2]
    if not wanted and current_user.is_authenticated:
        default = next((a for a in current_user.addresses if a.is_default), None)
        wanted = default.country if default is not None else ""
    codes = dict(countries)
    if wanted in codes:
        return wanted
    return DEFAULT_COUNTRY if DEFAULT_COUNTRY in codes else next(iter(codes), "")


@bp.get("/cart")
def view_cart():
    cart = current_cart()
    summary = services.summarize(cart, held_by_own_order(cart))
    remember_count(summary.item_count)
    countries = pricing.shipping_countries()
    money = services.price_cart(cart, summary, currency=current_app.config["STORE_CURRENCY"],
                                country=_estimate_country(countries), email=_email(), countries=countries)
    return render_template("cart/view.html", summary=summary, max_line=max_line(), cart=cart, money=money,
                           countries=countries)


def _code_rate_limit() -> str:
    return current_app.config.get("DISCOUNT_CODE_RATE_LIMIT", "20 per hour")


@bp.post("/cart/discount")
@limiter.limit(_code_rate_limit)
def apply_discount():
    cart = current_cart()
    summary = services.summarize(cart, held_by_own_order(cart))
    try:
        if cart is None:
            raise services.CartError("Add something to your cart before entering a code.")
        code = services.apply_code(cart, request.form.get("code"), summary,
                                   currency=current_app.config["STORE_CURRENCY"], email=_email())
    except services.CartError as exc:
        flash(str(exc), "error")
        return redirect(url_for("cart.view_cart", **_country_arg()))
    flash(f"{code} is applied to your cart.", "success")
    return redirect(url_for("cart.view_cart", **_country_arg()))


@bp.post("/cart/discount/remove")
def remove_discount():
    cart = current_cart()
    if cart is not None and cart.discount_code:
        services.remove_code(cart)
        flash("The discount code is removed.", "success")
    return redirect(url_for("cart.view_cart", **_country_arg()))


def _country_arg() -> dict:
    country = (request.form.get("country") or "").strip().upper()[:2]
    return {"country": country} if country.isalpha() and len(country) == 2 else {}


@bp.post("/cart/add")
def add():
    raw_quantity = request.form.get("quantity", "1")
    try:
        quantity = services.parse_quantity(raw_quantity)
        variant = services.check_addable(request.form.get("variant_id"), quantity, max_line())
        cart = current_cart(create=True)
        line = services.add_item(cart, variant.id, quantity, max_line(), held_by_own_order(cart))
    except services.CartError as exc:
        if _wants_json():
            return jsonify(ok=False, message=str(exc)), 400
        flash(str(exc), "error")
        return _back()
    label = display_name(line.variant)
    message = f"Added {quantity} × {label} to your cart."
    if _wants_json():
        count = services.count_items(cart.user_id, cart.token)
        return jsonify(ok=True, message=message, count=count)
    flash(message, "success")
    return redirect(url_for("cart.view_cart"))


@bp.post("/cart/add-many")
def add_many():
    ids = request.form.getlist("variant_id")
    try:
        if not ids:
            raise services.CartError("There was nothing to add.")
        cart = current_cart(create=True)
        result = services.add_many(cart, ids, max_line())
    except services.CartError as exc:
        flash(str(exc), "error")
        return _back()
    flash(f"Added {_plural(len(result.added), 'item')} to your cart: {', '.join(result.added)}.", "success")
    if result.skipped:
        flash("Not added: " + "; ".join(result.skipped) + ".", "info")
    return redirect(url_for("cart.view_cart"))


def _cart_or_404():
    cart = current_cart()
    if cart is None:
        abort(404, description="That item is not in your cart.")
    return cart


@bp.post("/cart/lines/<int:line_id>")
def update_line(line_id: int):
    cart = _cart_or_404()
    if "remove" in request.form:
        return remove_line(line_id)
    try:
        line = services.set_quantity(cart, line_id, request.form.get("quantity"), max_line())
    except services.LineNotFound:
        abort(404, description="That item is not in your cart.")
    except services.CartError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{display_name(line.variant)}: quantity is now {line.quantity}.", "success")
    return redirect(url_for("cart.view_cart"))


@bp.post("/cart/lines/<int:line_id>/remove")
def remove_line(line_id: int):
    cart = _cart_or_404()
    try:
        services.remove_line(cart, line_id)
    except services.LineNotFound:
        abort(404, description="That item is not in your cart.")
    flash("Removed from your cart.", "success")
    return redirect(url_for("cart.view_cart"))


@bp.post("/cart/lines/<int:line_id>/adjust")
def adjust_line(line_id: int):
    cart = _cart_or_404()
    try:
        quantity = services.adjust_line(cart, line_id, max_line())
    except services.LineNotFound:
        abort(404, description="That item is not in your cart.")
    if quantity:
        flash(f"Quantity adjusted to {quantity}, what we have in stock.", "success")
    else:
        flash("That item is no longer available, so we removed it from your cart.", "info")
    return redirect(url_for("cart.view_cart"))


@bp.post("/cart/clear")
def clear():
    cart = current_cart()
    if cart is not None:
        services.clear_cart(cart)
    flash("Your cart is now empty.", "success")
    return redirect(url_for("cart.view_cart"))


@bp.cli.command("purge-carts")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Delete guest carts untouched for this many days (default: CART_GUEST_MAX_AGE_DAYS).")
def purge_carts(days: int | None) -> None:
    """Delete abandoned guest carts."""
    days = current_app.config["CART_GUEST_MAX_AGE_DAYS"] if days is None else days
    deleted = services.purge_guest_carts(days)
    click.echo(f"Deleted {_plural(deleted, 'guest cart')} untouched for more than {days} days.")

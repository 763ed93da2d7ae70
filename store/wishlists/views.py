"""/wishlist: the signed-in customer's saved options; save, move to cart, remove (POST + CSRF)."""
from __future__ import annotations

from flask import Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from store.cart import services as cart_services
from store.cart.session import current_cart, max_line
from store.catalog.views import add_product_page_extension
from store.forms import StoreForm
from store.util import int_in_range, is_safe_next
from store.wishlists import bp, services


class WishlistForm(StoreForm):
    """Only the CSRF token."""


def register(app: Flask) -> None:
    add_product_page_extension(app, _product_page)
    app.add_template_global(lambda: WishlistForm(formdata=None), "wishlist_form")


def _product_page(product, variants, selected, args) -> dict:
    if not current_user.is_authenticated:
        return {"wishlist_saved": set()}
    return {"wishlist_saved": services.saved_variant_ids(current_user.id, [selected.id] if selected else [])}


def _back(default: str):
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else default, 303)


def _checked() -> bool:
    if WishlistForm().validate_on_submit():
        return True
    flash("The form had expired; please try again.", "error")
    return False


@bp.get("/wishlist")
@login_required
def view():
    return render_template("wishlists/view.html", items=services.items(current_user.id),
                           form=WishlistForm(formdata=None))


@bp.post("/wishlist/add")
@login_required
def add():
    if not _checked():
        return _back(url_for("wishlists.view"))
    variant_id = int_in_range(request.form.get("variant_id"))
    if variant_id is None:
        abort(400, description="Choose the option to save.")
    try:
        variant, created = services.add(current_user.id, variant_id)
    except services.WishlistError as exc:
        flash(str(exc), "error")
        return _back(url_for("wishlists.view"))
    from store.catalog.availability import display_name
    flash(f"Saved {display_name(variant)} to your wishlist." if created
          else f"{display_name(variant)} is already on your wishlist.", "success")
    return _back(url_for("wishlists.view"))


@bp.post("/wishlist/<int:item_id>/remove")
@login_required
def remove(item_id: int):
    if not _checked():
        return redirect(url_for("wishlists.view"), 303)
    try:
        label = services.remove(current_user.id, item_id)
    except services.ItemNotFound as exc:
        abort(404, description=str(exc))
    flash(f"Removed {label} from your wishlist.", "success")
    return redirect(url_for("wishlists.view"), 303)


@bp.post("/wishlist/<int:item_id>/move-to-cart")
@login_required
def move_to_cart(item_id: int):
    if not _checked():
        return redirect(url_for("wishlists.view"), 303)
    try:
        label = services.move_to_cart(current_user.id, item_id, current_cart(create=True), max_line())
    except services.ItemNotFound as exc:
        abort(404, description=str(exc))
    except cart_services.CartError as exc:
        flash(f"{exc} It stays on your wishlist.", "error")
        return redirect(url_for("wishlists.view"), 303)
    flash(f"Moved {label} to your cart.", "success")
    return redirect(url_for("cart.view_cart"), 303)


@bp.post("/cart/lines/<int:line_id>/save-for-later")
@login_required
def save_from_cart(line_id: int):
    if not _checked():
        return redirect(url_for("cart.view_cart"), 303)
    cart = current_cart()
    try:
        if cart is None:
            raise services.ItemNotFound("That item is not in your cart.")
        label = services.save_from_cart(current_user.id, cart, line_id)
    except services.ItemNotFound as exc:
        abort(404, description=str(exc))
    except cart_services.CartError as exc:
        flash(str(exc), "error")
        return redirect(url_for("cart.view_cart"), 303)
    flash(f"Saved {label} to your wishlist and took it out of your cart.", "success")
    return redirect(url_for("cart.view_cart"), 303)

"""Wishlist use cases. Moving to the cart goes through the cart's own ``add_item`` (its stock and limit
checks); the wishlist row is deleted in that same transaction, so a refused add leaves the item saved."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from store.cart import services as cart_services
from store.catalog.availability import display_name
from store.catalog.models import Product, ProductStatus, Variant
from store.db import transaction
from store.extensions import db
from store.wishlists.models import WishlistItem


class WishlistError(Exception):
    pass


class ItemNotFound(WishlistError):
    """Not one of this customer's items (the view answers 404)."""


def items(user_id: int) -> list[WishlistItem]:
    return list(db.session.scalars(
        select(WishlistItem).where(WishlistItem.user_id == user_id)
        .options(joinedload(WishlistItem.variant).joinedload(Variant.product).selectinload(Product.images))
        .order_by(WishlistItem.created_at.desc(), WishlistItem.id.desc())))


def saved_variant_ids(user_id: int | None, variant_ids) -> set[int]:
    ids = list(variant_ids)
    if user_id is None or not ids:
        return set()
    return set(db.session.scalars(select(WishlistItem.variant_id).where(
        WishlistItem.user_id == user_id, WishlistItem.variant_id.in_(ids))))


def _variant(variant_id) -> Variant:
    variant = db.session.get(Variant, variant_id) if isinstance(variant_id, int) else None
    if variant is None or not variant.is_active or variant.product.status != ProductStatus.ACTIVE:
        raise WishlistError("That item is not sold here any more.")
    return variant


def _add(user_id: int, variant: Variant) -> bool:
    if db.session.scalar(select(WishlistItem.id).where(WishlistItem.user_id == user_id,
                                                       WishlistItem.variant_id == variant.id)):
        return False
    db.session.add(WishlistItem(user_id=user_id, variant_id=variant.id))
    db.session.flush()
    return True


def add(user_id: int, variant_id) -> tuple[Variant, bool]:
    """Save an option; saving it again changes nothing. Returns (variant, newly saved)."""
    try:
        with transaction():
            variant = _variant(variant_id)
            created = _add(user_id, variant)
    except IntegrityError:  # the same save twice at once: one row stays
        return _variant(variant_id), False
    return variant, created


def _own(user_id: int, item_id) -> WishlistItem:
    item = db.session.scalars(select(WishlistItem).where(WishlistItem.id == item_id,
                                                         WishlistItem.user_id == user_id)).first() \
        if isinstance(item_id, int) else None
    if item is None:
        raise ItemNotFound("That item is not on your wishlist.")
    return item


def remove(user_id: int, item_id) -> str:
    with transaction():
        item = _own(user_id, item_id)
        label = display_name(item.variant)
        db.session.delete(item)
    return label


def move_to_cart(user_id: int, item_id, cart, max_line: int) -> str:
    """Add one of the option to the cart and take it off the wishlist, together (or neither)."""
    item = _own(user_id, item_id)
    variant_id, label = item.variant_id, display_name(item.variant)
    db.session.delete(item)
    try:
        cart_services.add_item(cart, variant_id, 1, max_line)  # commits the deletion with the new cart line
    except cart_services.CartError:
        db.session.rollback()
        raise
    return label


def save_from_cart(user_id: int, cart, line_id) -> str:
    """"Save for later": the cart line's option goes on the wishlist and leaves the cart, together."""
    line = next((ln for ln in cart.lines if ln.id == line_id), None)
    if line is None:
        raise ItemNotFound("That item is not in your cart.")
    variant = line.variant
    _add(user_id, variant)
    cart_services.remove_line(cart, line_id)  # commits the new wishlist row with the removal
    return display_name(variant)

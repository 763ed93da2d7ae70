"""Wishlists for signed-in customers: save an option from the product page or the cart, move it to the cart,
remove it. Every lookup is scoped to the signed-in owner (another customer's item is a 404)."""
from flask import Blueprint

bp = Blueprint("wishlists", __name__)

from store.wishlists import views  # noqa: E402,F401

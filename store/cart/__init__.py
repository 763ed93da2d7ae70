"""Cart: the cart page and its POST actions, plus `flask purge-carts`."""
from flask import Blueprint

bp = Blueprint("cart", __name__, cli_group=None)

from store.cart import views  # noqa: E402,F401

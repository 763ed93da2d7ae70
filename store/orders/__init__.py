"""Orders: customers' order pages, the guest order link, and `flask expire-orders`."""
from flask import Blueprint

bp = Blueprint("orders", __name__, cli_group=None)

from store.orders import views  # noqa: E402,F401

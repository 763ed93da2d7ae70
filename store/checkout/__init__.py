"""Checkout: the checkout page, payments (Stripe Checkout or local demo payments) and the Stripe webhook."""
from flask import Blueprint

bp = Blueprint("checkout", __name__)

from store.checkout import views  # noqa: E402,F401

"""Reviews from verified buyers: one per product per paid order, screened for health claims, moderated in the
back office (never held or hidden for being negative), shown on product pages with their structured data."""
from flask import Blueprint

bp = Blueprint("reviews", __name__)

from store.reviews import views  # noqa: E402,F401

"""Guides: educational how-to content tied to the products it uses."""
from flask import Blueprint

bp = Blueprint("guides", __name__)

from store.guides import seed, views  # noqa: E402,F401  (routes; the demo seeder registers itself)

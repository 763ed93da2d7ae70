"""Guides: educational how-to content tied to the products it uses."""
from flask import Blueprint

bp = Blueprint("guides", __name__)

from store.guides import views  # noqa: E402,F401

"""Catalog: products, variants, categories; list, detail and search pages."""
from flask import Blueprint

bp = Blueprint("catalog", __name__)

from store.catalog import feed, views  # noqa: E402,F401

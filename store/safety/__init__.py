"""Safety: disclaimers, product warnings, the claims screen's lexicon and overrides, and problem reports."""
from flask import Blueprint

bp = Blueprint("safety", __name__, cli_group=None)

from store.safety import views  # noqa: E402,F401

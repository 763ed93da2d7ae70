"""Policy and help pages (shipping, returns and refunds, privacy, terms, about, contact), versioned like the
disclaimers, and the contact form (stored, emailed to the shop through the outbox)."""
from flask import Blueprint

bp = Blueprint("pages", __name__)

from store.pages import views  # noqa: E402,F401  (routes attach to bp)

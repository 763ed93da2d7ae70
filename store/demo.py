"""`flask seed-demo`: the demo store, area by area in dependency order. Idempotent.

A composition root: it may import any area, and no area imports it.
"""
from __future__ import annotations

from store import search
from store.catalog.seed import seed_catalog
from store.extensions import db
from store.guides.seed import seed_guides
from store.inventory.seed import seed_opening_stock
from store.pages.seed import seed_pages
from store.pricing.seed import seed_pricing
from store.reviews.seed import seed_reviews
from store.safety.seed import seed_disclaimers


def seed_all() -> dict[str, int]:
    """Seed what is missing and commit; returns how many rows of each kind were created."""
    counts = {"disclaimers": seed_disclaimers(), "products": seed_catalog()}
    seed_opening_stock()  # the new demo variants get their opening stock (ledger rows)
    counts["guides"] = seed_guides()
    counts["pages"] = seed_pages()
    counts["synonyms"] = search.seed_synonyms()
    counts["pricing"] = seed_pricing()   # shipping zones, tax table, WELCOME10 (not yet used by checkout)
    db.session.commit()
    counts["reviews"] = seed_reviews()   # demo orders (history, no stock movement) and their reviews
    return counts

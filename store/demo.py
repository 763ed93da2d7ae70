"""`flask seed-demo`: the demo store (disclaimers, catalog, guides). Idempotent."""
from __future__ import annotations

from store.extensions import db


def seed_all() -> dict[str, int]:
    from store.catalog.seed import seed_catalog
    from store.safety.seed import seed_disclaimers

    counts = {"disclaimers": seed_disclaimers(), "products": seed_catalog()}
    for name, seeder in SEEDERS:
        counts[name] = seeder()
    db.session.commit()
    return counts


# Other areas append (name, callable) here; each returns how many rows it created. Order matters.
SEEDERS: list = []

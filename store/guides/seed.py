"""Load the demo guides (idempotent: a guide whose slug exists is left as it is). Runs after the catalog."""
from __future__ import annotations

from sqlalchemy import select

from store.extensions import db
from store.guides import services
from store.guides.demo_data import GUIDES
from store.guides.models import Guide


def seed_guides() -> int:
    """Create and publish the missing demo guides; returns how many were created. Caller commits."""
    existing = set(db.session.scalars(select(Guide.slug)))
    created = 0
    # Newest first on /guides: publish in reverse so the first demo guide (the flagship) is the newest.
    for data in reversed(GUIDES):
        if data["slug"] in existing:
            continue
        guide = services.save_guide(services.GuideData.from_dict(data), commit=False)
        services.publish(guide, commit=False)
        created += 1
    return created

from __future__ import annotations

from sqlalchemy import select

from store.extensions import db
from store.pages.demo_data import PAGE_TEXTS
from store.pages.models import PageVersion
from store.pages.services import PAGES, new_page_version


def seed_pages() -> int:
    """A first version of every page that has none (idempotent). Returns how many were created."""
    created = 0
    for kind in PAGES:
        if db.session.scalar(select(PageVersion.id).where(PageVersion.slug == kind.slug).limit(1)) is None:
            text = PAGE_TEXTS[kind.slug]
            new_page_version(kind.slug, text["title"], text["body"], text["summary"])
            created += 1
    return created

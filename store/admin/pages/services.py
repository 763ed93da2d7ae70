"""Page versions from the back office: every save is a new version, audited in the same transaction."""
from __future__ import annotations

from store.admin.audit import services as audit
from store.db import transaction
from store.pages import services as pages
from store.pages.models import PageVersion


def save_page(slug: str, title: str, summary: str, body: str, *, actor_id: int | None) -> PageVersion:
    """Raises pages.PageError (nothing written) when the version cannot be saved."""
    with transaction():
        previous = pages.current_or_none(slug)
        page = pages.new_page_version(slug, title, body, summary, actor_id)
        audit.record(actor_id, "page.new_version", page, {
            "slug": [slug, slug],
            "version": [previous.version if previous else None, page.version],
            "title": [previous.title if previous else None, page.title],
            "body": [previous.body if previous else None, page.body],
        })
    return page

"""Back-office guide use cases. Validation, rendering, publishing and indexing are the guides area's own
(store.guides.services); this module adds the admin's concerns: optimistic locking, audit, claims flags."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from store.admin.audit import services as audit
from store.catalog.models import Product
from store.claims import find_claims
from store.db import transaction
from store.extensions import db
from store.guides import services as guides
from store.guides.models import Guide, GuideStep

SCALAR_FIELDS = ("slug", "title", "summary", "body_md", "clinician_note_md", "hero_image", "hero_alt",
                 "reviewed_by", "status")


class StaleGuide(Exception):
    def __init__(self):
        super().__init__("This guide was changed by someone else since you opened it. Nothing was saved: "
                         "reload the page to see their changes, then make yours again.")


def guide_for_edit(guide_id: int) -> Guide | None:
    return db.session.scalar(select(Guide).where(Guide.id == guide_id).options(
        selectinload(Guide.steps).selectinload(GuideStep.products), selectinload(Guide.faqs),
        selectinload(Guide.references), selectinload(Guide.product_links), selectinload(Guide.tags)))


def guide_list_statement(q: str = ""):
    stmt = select(Guide)
    if q:
        stmt = stmt.where(Guide.title.ilike(f"%{q}%"))
    return stmt.order_by(Guide.title, Guide.id)


def product_choices() -> list[tuple[str, str]]:
    return [(slug, name) for slug, name in db.session.execute(
        select(Product.slug, Product.name).order_by(Product.name))]


def _summary(guide: Guide) -> dict:
    data = audit.snapshot(guide, SCALAR_FIELDS)
    data["tags"] = [t.name for t in guide.tags]
    data["steps"] = [s.title for s in guide.steps]
    data["faqs"] = [f.question for f in guide.faqs]
    data["references"] = [r.citation for r in guide.references]
    data["products"] = [link.product.slug for link in guide.product_links]
    return data


def claims_flags(data: guides.GuideData) -> list[tuple[str, object]]:
    """(where, match) for every claim-like phrase in the guide's text: shown as warnings, never blocking."""
    places = [("Title", data.title), ("Summary", data.summary), ("Body", data.body),
              ("Clinician note", data.clinician_note)]
    places += [(f"Step {i}: {s.title}", f"{s.title}\n{s.body}") for i, s in enumerate(data.steps, 1)]
    places += [(f"FAQ {i}", f"{f.question}\n{f.answer}") for i, f in enumerate(data.faqs, 1)]
    return [(where, m) for where, text in places for m in find_claims(text)]


def save(data: guides.GuideData, *, guide_id: int | None, expected_version: int | None,
         actor_id: int | None) -> Guide:
    try:
        with transaction():
            guide = None
            before: dict = {}
            if guide_id is not None:
                guide = guide_for_edit(guide_id)
                if guide is None:
                    raise guides.GuideError("That guide no longer exists.")
                if guide.version != expected_version:
                    raise StaleGuide()
                before = _summary(guide)
            guide = guides.save_guide(data, guide, commit=False)
            after = _summary(guide)
            changes = audit.diff(before, after) if before else {k: [None, v] for k, v in after.items()}
            flags = sorted({m.phrase.lower() for _, m in claims_flags(data)})
            if flags:
                changes["claims_flags"] = [None, flags]
            if changes:
                audit.record(actor_id, "guide.update" if before else "guide.create", guide, changes)
    except StaleDataError as exc:
        raise StaleGuide() from exc
    return guide


def set_published(guide_id: int, publish: bool, *, actor_id: int | None) -> Guide:
    with transaction():
        guide = guide_for_edit(guide_id)
        if guide is None:
            raise guides.GuideError("That guide no longer exists.")
        before = guide.status
        if publish:
            guides.publish(guide, commit=False)
        else:
            guides.unpublish(guide, commit=False)
        audit.record(actor_id, "guide.publish" if publish else "guide.unpublish", guide,
                     {"status": [before, guide.status]})
    return guide

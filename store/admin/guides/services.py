"""Back-office guide use cases. Validation, rendering, publishing and indexing are the guides area's own
(store.guides.services); this module adds the admin's concerns: optimistic locking, audit, claims flags."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from store.admin.audit import services as audit
from store.catalog.models import Product
from store.db import transaction
from store.extensions import db
from store.guides import services as guides
from store.guides.models import Guide, GuideStatus, GuideStep
from store.safety import screening

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


PLACE_LABELS = {"title": "Title", "summary": "Summary", "body": "Body", "clinician note": "Clinician note"}


def claims_flags(data: guides.GuideData) -> list[tuple[str, object]]:
    """(where, finding) for every claim the screen finds in the guide's copy. In a draft they are warnings;
    publishing (or saving a published guide) needs an override with a reason and evidence."""
    return [(PLACE_LABELS.get(place, place.capitalize()), f)
            for place, findings in guides.claims_findings(data).items() for f in findings]


def _override_changes(found: dict, override) -> dict:
    if not found:
        return {}
    override = screening.check_override(override)
    return {"claims_override": [None, sorted({f.phrase.lower() for fs in found.values() for f in fs})],
            "claims_evidence": [None, override.evidence]}


def save(data: guides.GuideData, *, guide_id: int | None, expected_version: int | None,
         actor_id: int | None, claims_override: screening.Override | None = None) -> Guide:
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
            overridden = {}
            if guide is not None and guide.status == GuideStatus.PUBLISHED:
                overridden = screening.uncleared("guide", guide.id, guides.claims_places(data), context="guide")
            guide = guides.save_guide(data, guide, commit=False, claims_override=claims_override,
                                      actor_id=actor_id)
            after = _summary(guide)
            changes = audit.diff(before, after) if before else {k: [None, v] for k, v in after.items()}
            flags = sorted({m.phrase.lower() for _, m in claims_flags(data)})
            if flags:
                changes["claims_flags"] = [None, flags]
            changes.update(_override_changes(overridden, claims_override))
            if changes:
                audit.record(actor_id, "guide.update" if before else "guide.create", guide, changes,
                             reason=claims_override.reason if overridden else "")
    except StaleDataError as exc:
        raise StaleGuide() from exc
    return guide


def set_published(guide_id: int, publish: bool, *, actor_id: int | None,
                  claims_override: screening.Override | None = None) -> Guide:
    with transaction():
        guide = guide_for_edit(guide_id)
        if guide is None:
            raise guides.GuideError("That guide no longer exists.")
        before = guide.status
        overridden = {}
        if publish:
            overridden = screening.uncleared("guide", guide.id, guides.guide_places(guide), context="guide")
            guides.publish(guide, commit=False, claims_override=claims_override, actor_id=actor_id)
        else:
            guides.unpublish(guide, commit=False)
        changes = {"status": [before, guide.status]}
        changes.update(_override_changes(overridden, claims_override))
        audit.record(actor_id, "guide.publish" if publish else "guide.unpublish", guide, changes,
                     reason=claims_override.reason if overridden else "")
    return guide

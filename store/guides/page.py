"""A published guide as its public page reads it: plain rows from a few Core queries, not ORM objects.

The guide page is read far more often than it is edited, and loading it through the ORM's relationship loaders
(tags, steps, each step's products, FAQs, references, the "tools used" links, and every product's variants and
pictures) cost about ten queries and four to five milliseconds of Python a view, more than rendering it. Here
the guide's own row and each of its collections is one Core query, and the products it uses are product cards
(``store.catalog.cards``, with their warnings for the safety block): eight queries whatever the guide holds.

The objects keep the attribute names of the models (``guide.steps[0].products``, ``guide.references[0].pmid``,
``link.product``), so the templates, the JSON-LD and the services that read a guide take either. They are
read-only; the admin edits the ORM models (``store.guides.models``). Only active products are read: a step or a
link whose product is no longer for sale shows none (``link.product`` is None).
"""
from __future__ import annotations

from sqlalchemy import bindparam, select

from store.catalog import cards
from store.catalog.models import Product
from store.db import prepared
from store.extensions import db
from store.guides.models import (Guide, GuideFAQ, GuideProduct, GuideReference, GuideStatus, GuideStep, Tag,
                                 guide_tags, step_products)

_GUIDE = ("id", "slug", "title", "summary", "body_html", "clinician_note_html", "hero_image", "hero_alt",
          "reading_minutes", "reviewed_by", "status", "published_at", "updated_at")


class _Row:
    """Attributes from a row's columns, by name."""
    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init__(self, *values):
        for name, value in zip(self._fields, values):
            setattr(self, name, value)


class GuideView(_Row):
    _fields = _GUIDE
    __slots__ = _GUIDE + ("tags", "steps", "faqs", "references", "product_links")

    def __repr__(self) -> str:
        return f"<GuideView {self.slug}>"


class TagView(_Row):
    _fields = __slots__ = ("slug", "name")


class StepView(_Row):
    _fields = ("id", "title", "body_html")
    __slots__ = _fields + ("products",)


class FaqView(_Row):
    _fields = __slots__ = ("question", "answer_html")


class ReferenceView(_Row):
    _fields = __slots__ = ("citation", "pmid", "doi", "title", "journal", "year")
    # the model's own rules for which identifiers become links
    pubmed_url = GuideReference.pubmed_url
    doi_url = GuideReference.doi_url


class LinkView(_Row):
    _fields = ("product_id", "note", "ask_clinician")
    __slots__ = _fields + ("product",)


@prepared
def _guide_row():
    return select(*(getattr(Guide, name) for name in _GUIDE)).where(
        Guide.slug == bindparam("slug"), Guide.status == GuideStatus.PUBLISHED.value)


@prepared
def _tag_rows():
    return (select(Tag.slug, Tag.name).join(guide_tags, guide_tags.c.tag_id == Tag.id)
            .where(guide_tags.c.guide_id == bindparam("guide_id")).order_by(Tag.name, Tag.id))


@prepared
def _step_rows():
    return (select(GuideStep.id, GuideStep.title, GuideStep.body_html)
            .where(GuideStep.guide_id == bindparam("guide_id")).order_by(GuideStep.position, GuideStep.id))


@prepared
def _step_product_rows():
    # (step, product) pairs of the guide's steps, each step's products by name (as GuideStep.products orders them)
    return (select(step_products.c.step_id, step_products.c.product_id)
            .join(GuideStep, GuideStep.id == step_products.c.step_id)
            .join(Product, Product.id == step_products.c.product_id)
            .where(GuideStep.guide_id == bindparam("guide_id")).order_by(Product.name, Product.id))


@prepared
def _faq_rows():
    return (select(GuideFAQ.question, GuideFAQ.answer_html)
            .where(GuideFAQ.guide_id == bindparam("guide_id")).order_by(GuideFAQ.position, GuideFAQ.id))


@prepared
def _reference_rows():
    return (select(GuideReference.citation, GuideReference.pmid, GuideReference.doi, GuideReference.title,
                   GuideReference.journal, GuideReference.year)
            .where(GuideReference.guide_id == bindparam("guide_id"))
            .order_by(GuideReference.position, GuideReference.id))


@prepared
def _link_rows():
    return (select(GuideProduct.product_id, GuideProduct.note, GuideProduct.ask_clinician)
            .where(GuideProduct.guide_id == bindparam("guide_id"))
            .order_by(GuideProduct.position, GuideProduct.id))


def published_guide(slug: str) -> GuideView | None:
    """The published guide with this slug, with everything its page shows (None when there is none)."""
    row = db.session.execute(_guide_row(), {"slug": slug}).first()
    if row is None:
        return None
    guide = GuideView(*row)
    params = {"guide_id": guide.id}
    run = db.session.execute
    guide.tags = [TagView(*r) for r in run(_tag_rows(), params)]
    guide.steps = [StepView(*r) for r in run(_step_rows(), params)]
    guide.faqs = [FaqView(*r) for r in run(_faq_rows(), params)]
    guide.references = [ReferenceView(*r) for r in run(_reference_rows(), params)]
    guide.product_links = [LinkView(*r) for r in run(_link_rows(), params)]
    step_pairs = run(_step_product_rows(), params).all()
    ids = {link.product_id for link in guide.product_links} | {product_id for _, product_id in step_pairs}
    found = cards.cards_by_ids(sorted(ids), with_warnings=True)
    for link in guide.product_links:
        link.product = found.get(link.product_id)
    by_step: dict[int, list] = {step.id: [] for step in guide.steps}
    for step_id, product_id in step_pairs:
        if product_id in found:
            by_step[step_id].append(found[product_id])
    for step in guide.steps:
        step.products = by_step[step.id]
    return guide

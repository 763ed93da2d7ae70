"""A published guide as its public page reads it: plain rows from a few Core queries, not ORM objects.

The guide page is read far more often than it is edited, and loading it through the ORM's relationship loaders
(tags, steps, each step's products, FAQs, references, the "tools used" links, and every product's variants and
pictures) cost about ten queries and four to five milliseconds of Python a view, more than rendering it. Here
the guide's own row is one Core query, all of its collections together one more (a UNION ALL), and the
products it uses are product cards (``store.catalog.cards``, with their warnings for the safety block): three
queries whatever the guide holds.

The objects keep the attribute names of the models (``guide.steps[0].products``, ``guide.references[0].pmid``,
``link.product``), so the templates, the JSON-LD and the services that read a guide take either. They are
read-only; the admin edits the ORM models (``store.guides.models``). Only active products are read: a step or a
link whose product is no longer for sale shows none (``link.product`` is None).
"""
from __future__ import annotations

from sqlalchemy import Integer, Text, bindparam, cast, func, literal_column, null, select, union_all

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


# The guide's collections in one statement (one round trip instead of six): each part is a row kind with its
# own order (``pos``), its values in shared columns (two integers, five texts; unused ones NULL).
TAGS, STEPS, FAQS, REFERENCES, LINKS, STEP_PRODUCTS = range(6)


@prepared
def _collection_rows():
    def part(kind, order, where, ints=(), texts=(), joins=()):
        ints = list(ints) + [cast(null(), Integer)] * (2 - len(ints))
        texts = list(texts) + [cast(null(), Text)] * (5 - len(texts))
        stmt = select(literal_column(str(kind)).label("kind"), func.row_number().over(order_by=order).label("pos"),
                      *(v.label(f"i{n}") for n, v in enumerate(ints)), *(v.label(f"t{n}") for n, v in enumerate(texts)))
        for table, on in joins:
            stmt = stmt.join(table, on)
        return stmt.where(where == bindparam("guide_id"))

    every = union_all(
        part(TAGS, (Tag.name, Tag.id), guide_tags.c.guide_id, texts=(Tag.slug, Tag.name),
             joins=[(guide_tags, guide_tags.c.tag_id == Tag.id)]).select_from(Tag),
        part(STEPS, (GuideStep.position, GuideStep.id), GuideStep.guide_id, ints=(GuideStep.id,),
             texts=(GuideStep.title, GuideStep.body_html)).select_from(GuideStep),
        part(FAQS, (GuideFAQ.position, GuideFAQ.id), GuideFAQ.guide_id,
             texts=(GuideFAQ.question, GuideFAQ.answer_html)).select_from(GuideFAQ),
        part(REFERENCES, (GuideReference.position, GuideReference.id), GuideReference.guide_id,
             ints=(GuideReference.year,), texts=(GuideReference.citation, GuideReference.pmid, GuideReference.doi,
                                                 GuideReference.title, GuideReference.journal)
             ).select_from(GuideReference),
        part(LINKS, (GuideProduct.position, GuideProduct.id), GuideProduct.guide_id,
             ints=(GuideProduct.product_id, cast(GuideProduct.ask_clinician, Integer)), texts=(GuideProduct.note,)
             ).select_from(GuideProduct),
        # (step, product) pairs of the guide's steps, each step's products by name (as GuideStep.products orders them)
        part(STEP_PRODUCTS, (Product.name, Product.id), GuideStep.guide_id,
             ints=(step_products.c.step_id, step_products.c.product_id),
             joins=[(GuideStep, GuideStep.id == step_products.c.step_id),
                    (Product, Product.id == step_products.c.product_id)]).select_from(step_products),
    ).subquery()
    return select(every).order_by(every.c.kind, every.c.pos)


def published_guide(slug: str) -> GuideView | None:
    """The published guide with this slug, with everything its page shows (None when there is none)."""
    row = db.session.execute(_guide_row(), {"slug": slug}).first()
    if row is None:
        return None
    guide = GuideView(*row)
    rows: list[list] = [[] for _ in range(6)]
    for row in db.session.execute(_collection_rows(), {"guide_id": guide.id}):
        rows[row.kind].append(row)
    guide.tags = [TagView(r.t0, r.t1) for r in rows[TAGS]]
    guide.steps = [StepView(r.i0, r.t0, r.t1) for r in rows[STEPS]]
    guide.faqs = [FaqView(r.t0, r.t1) for r in rows[FAQS]]
    guide.references = [ReferenceView(r.t0, r.t1, r.t2, r.t3, r.t4, r.i0) for r in rows[REFERENCES]]
    guide.product_links = [LinkView(r.i0, r.t0, bool(r.i1)) for r in rows[LINKS]]
    step_pairs = [(r.i0, r.i1) for r in rows[STEP_PRODUCTS]]
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

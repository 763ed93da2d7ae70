"""Guide rules: saving (validated, rendered once), publishing, listing, lookups and search indexing.

Markdown is the source of truth. Its sanitised HTML is cached on the row (``body_html``, a step's
``body_html``, a FAQ's ``answer_html``, ``clinician_note_html``) and re-rendered on every flush that
touches those rows (see ``_render_on_flush``), so a cached rendering can never go stale or be written
by hand around the sanitiser.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, event, func, or_, select
from sqlalchemy.orm import Session, selectinload

from store import search as search_index
from store.catalog import availability
from store.catalog.models import Product, ProductStatus
from store.db import limit_param, prepared
from store.extensions import db
from store.guides import page
from store.guides.models import (DOI_RE, PMID_RE, Guide, GuideFAQ, GuideProduct, GuideReference, GuideStatus,
                                 GuideStep, Tag, guide_tags, step_products)
from store.markup import plain_text, render_markdown
from store.safety import screening
from store.util import page_number, slugify, utcnow

WORDS_PER_MINUTE = 200
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class GuideError(Exception):
    pass


class GuideInvalid(GuideError):
    """The guide data has problems; ``errors`` maps a field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class NotPublishable(GuideError):
    pass


# ---------------------------------------------------------------- input

@dataclass
class StepData:
    title: str
    body: str = ""
    products: list[str] = field(default_factory=list)  # product slugs


@dataclass
class FAQData:
    question: str
    answer: str = ""


@dataclass
class ReferenceData:
    citation: str
    pmid: str | None = None
    doi: str | None = None
    title: str = ""            # the article's title
    journal: str = ""
    year: int | None = None


@dataclass
class GuideData:
    slug: str
    title: str
    summary: str = ""
    body: str = ""
    clinician_note: str = ""
    hero_image: str | None = None   # path under static/, e.g. "img/guides/x.svg"
    hero_alt: str = ""
    reviewed_by: str | None = None
    tags: list[str] = field(default_factory=list)       # tag names
    steps: list[StepData] = field(default_factory=list)
    faqs: list[FAQData] = field(default_factory=list)
    references: list[ReferenceData] = field(default_factory=list)
    products: list[str] = field(default_factory=list)   # product slugs, "Tools used in this guide" order
    # Tools the guide says to ask a clinician about first: slug -> the reason shown ("add the tools" leaves
    # them unticked). Each must be one of ``products``.
    ask_clinician: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> "GuideData":
        """From the shape of store/guides/demo_data.py (hero_image given as a file name there)."""
        hero = data.get("hero_image")
        if hero and "/" not in hero:
            hero = f"img/guides/{hero}"
        return cls(
            slug=data["slug"], title=data["title"], summary=data.get("summary", ""), body=data.get("body", ""),
            clinician_note=data.get("clinician_note", ""), hero_image=hero, hero_alt=data.get("hero_alt", ""),
            reviewed_by=data.get("reviewed_by"), tags=list(data.get("tags", [])),
            steps=[StepData(s["title"], s.get("body", ""), list(s.get("products", []))) for s in data.get("steps", [])],
            faqs=[FAQData(f["question"], f.get("answer", "")) for f in data.get("faqs", [])],
            references=[ReferenceData(r["citation"], r.get("pmid"), r.get("doi"), r.get("title", ""),
                                      r.get("journal", ""), r.get("year")) for r in data.get("references", [])],
            products=list(data.get("products", [])),
            ask_clinician=dict(data.get("ask_clinician", {})),
        )


def clean_pmid(value: str | None) -> str | None:
    value = (value or "").strip()
    if value.lower().startswith("pmid:"):
        value = value[5:].strip()
    return value or None


def clean_doi(value: str | None) -> str | None:
    value = (value or "").strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix):].strip()
    return value or None


def valid_pmid(value: str | None) -> bool:
    return bool(value) and PMID_RE.fullmatch(value) is not None


def valid_doi(value: str | None) -> bool:
    return bool(value) and DOI_RE.fullmatch(value) is not None


def _validate(data: GuideData, products: dict[str, Product]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    if not SLUG_RE.fullmatch(data.slug or "") or len(data.slug) > 160:
        add("slug", "Use lower-case letters, digits and single hyphens (at most 160 characters).")
    if not (data.title or "").strip():
        add("title", "A guide needs a title.")
    elif len(data.title) > 200:
        add("title", "Keep the title within 200 characters.")
    if len(data.summary or "") > 400:
        add("summary", "Keep the summary within 400 characters.")
    if data.hero_image and not (data.hero_alt or "").strip():
        add("hero_alt", "Describe the hero picture for people who cannot see it.")
    for i, step in enumerate(data.steps, 1):
        if not (step.title or "").strip():
            add("steps", f"Step {i} needs a title.")
    for i, faq in enumerate(data.faqs, 1):
        if not (faq.question or "").strip():
            add("faqs", f"Question {i} is empty.")
    for i, ref in enumerate(data.references, 1):
        if not (ref.citation or "").strip():
            add("references", f"Reference {i} needs its citation text.")
        elif len(ref.citation) > 500:
            add("references", f"Reference {i}: keep the citation within 500 characters.")
        pmid, doi = clean_pmid(ref.pmid), clean_doi(ref.doi)
        if pmid and not valid_pmid(pmid):
            add("references", f"Reference {i}: a PubMed ID is digits only, for example 34079601.")
        if doi and (not valid_doi(doi) or len(doi) > 200):
            add("references", f"Reference {i}: a DOI looks like 10.1016/j.foot.2014.03.005.")
        if len(ref.title or "") > 300 or len(ref.journal or "") > 200:
            add("references", f"Reference {i}: keep the title within 300 and the journal within 200 characters.")
        if ref.year is not None and not (isinstance(ref.year, int) and 1800 <= ref.year <= utcnow().year + 1):
            add("references", f"Reference {i}: the year is a four-digit year, like 2014.")
    for slug, reason in (data.ask_clinician or {}).items():
        if slug not in data.products:
            add("ask_clinician", f"“{slug}” is not one of the tools used in this guide.")
        elif not (reason or "").strip():
            add("ask_clinician", f"Say why to ask a clinician before using “{slug}”.")
        elif len(reason) > 300:
            add("ask_clinician", f"Keep the reason for “{slug}” within 300 characters.")
    wanted = set(data.products) | {slug for s in data.steps for slug in s.products}
    missing = sorted(wanted - set(products))
    if missing:
        add("products", "No product with the slug " + ", ".join(f"“{m}”" for m in missing) + ".")
    return errors


# ---------------------------------------------------------------- writing

def reading_minutes_for(guide: Guide) -> int:
    """Whole minutes at ~200 words a minute over everything a reader reads on the page (at least 1)."""
    parts = [guide.title, guide.summary, plain_text(guide.body_md), plain_text(guide.clinician_note_md)]
    parts += [s.title + " " + plain_text(s.body_md) for s in guide.steps]
    parts += [f.question + " " + plain_text(f.answer_md) for f in guide.faqs]
    words = sum(len((p or "").split()) for p in parts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _tags_for(names: list[str]) -> list[Tag]:
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join((name or "").split())[:80]
        if name:
            wanted.setdefault(slugify(name)[:80], name)
    if not wanted:
        return []
    existing = {t.slug: t for t in db.session.scalars(select(Tag).where(Tag.slug.in_(list(wanted))))}
    tags = []
    for slug, name in wanted.items():
        tag = existing.get(slug)
        if tag is None:
            tag = Tag(slug=slug, name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def claims_places(data: GuideData) -> dict[str, str]:
    """Every piece of a guide's copy the claims screen reads, by place (an override covers one place's text)."""
    places = {"title": data.title or "", "summary": data.summary or "", "body": data.body or "",
              "clinician note": data.clinician_note or ""}
    for i, s in enumerate(data.steps, 1):
        places[f"step {i}"] = f"{s.title}\n{s.body or ''}"
    for i, f in enumerate(data.faqs, 1):
        places[f"faq {i}"] = f"{f.question}\n{f.answer or ''}"
    return places


def guide_places(guide: Guide) -> dict[str, str]:
    return claims_places(GuideData(
        slug=guide.slug, title=guide.title, summary=guide.summary, body=guide.body_md,
        clinician_note=guide.clinician_note_md,
        steps=[StepData(s.title, s.body_md) for s in guide.steps],
        faqs=[FAQData(f.question, f.answer_md) for f in guide.faqs]))


def claims_findings(data: GuideData) -> dict:
    """{place: findings} of the claims screen (guide rules: crediting a product or tool with an outcome)."""
    return screening.screen_places(claims_places(data), context="guide")


def save_guide(data: GuideData, guide: Guide | None = None, *, commit: bool = True,
               claims_override: screening.Override | None = None, actor_id: int | None = None) -> Guide:
    """Create (guide=None) or replace a guide's content with ``data``. Validates everything first; on a
    GuideInvalid nothing is written. Keeps the status; a published guide is re-indexed. Flagged copy in a
    draft is only a warning; a *published* guide's new flagged copy needs ``claims_override`` (screening
    .ClaimsNeedOverride otherwise), as publishing does."""
    wanted = set(data.products) | {slug for s in data.steps for slug in s.products}
    products = ({p.slug: p for p in db.session.scalars(select(Product).where(Product.slug.in_(wanted)))}
                if wanted else {})
    errors = _validate(data, products)
    clash = db.session.scalar(select(Guide.id).where(Guide.slug == data.slug))
    if clash is not None and (guide is None or clash != guide.id):
        errors.setdefault("slug", []).append("Another guide already uses this address.")
    if errors:
        raise GuideInvalid(errors)
    if guide is not None and guide.status == GuideStatus.PUBLISHED:
        screening.require_cleared("guide", guide.id, claims_places(data), claims_override, actor_id=actor_id,
                                  context="guide")

    if guide is None:
        guide = Guide(status=GuideStatus.DRAFT.value)
        db.session.add(guide)
    guide.slug = data.slug
    guide.title = data.title.strip()
    guide.summary = (data.summary or "").strip()
    guide.body_md = data.body or ""
    guide.clinician_note_md = data.clinician_note or ""
    guide.hero_image = data.hero_image or None
    guide.hero_alt = (data.hero_alt or "").strip()
    guide.reviewed_by = (data.reviewed_by or "").strip() or None
    guide.tags = _tags_for(data.tags)
    guide.steps = [
        GuideStep(position=i, title=s.title.strip(), body_md=s.body or "",
                  products=[products[slug] for slug in dict.fromkeys(s.products)])
        for i, s in enumerate(data.steps)
    ]
    guide.faqs = [GuideFAQ(position=i, question=f.question.strip(), answer_md=f.answer or "")
                  for i, f in enumerate(data.faqs)]
    guide.references = [GuideReference(position=i, citation=r.citation.strip(), pmid=clean_pmid(r.pmid),
                                       doi=clean_doi(r.doi), title=" ".join((r.title or "").split()),
                                       journal=" ".join((r.journal or "").split()), year=r.year)
                        for i, r in enumerate(data.references)]
    if guide.product_links:
        # The unit of work INSERTs new (guide, product) pairs before it DELETEs replaced ones, which would trip
        # the pair's unique constraint when a link is kept: remove the old links first.
        guide.product_links = []
        db.session.flush()
    advised = {slug: " ".join(reason.split()) for slug, reason in (data.ask_clinician or {}).items()}
    guide.product_links = [GuideProduct(position=i, product=products[slug], ask_clinician=slug in advised,
                                        note=advised.get(slug, ""))
                           for i, slug in enumerate(dict.fromkeys(data.products))]
    render_guide(guide)
    db.session.flush()
    reindex_guide(guide)
    if commit:
        db.session.commit()
    return guide


def render_guide(guide: Guide) -> None:
    """Render every Markdown field to sanitised HTML and recompute the reading time."""
    guide.body_html = render_markdown(guide.body_md)
    guide.clinician_note_html = render_markdown(guide.clinician_note_md)
    for step in guide.steps:
        step.body_html = render_markdown(step.body_md)
    for faq in guide.faqs:
        faq.answer_html = render_markdown(faq.answer_md)
    guide.reading_minutes = reading_minutes_for(guide)


@event.listens_for(Session, "before_flush")
def _render_on_flush(session, _context, _instances):
    """Cached HTML always derives from its Markdown: re-render whatever changed in this flush."""
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Guide):
            obj.body_html = render_markdown(obj.body_md)
            obj.clinician_note_html = render_markdown(obj.clinician_note_md)
        elif isinstance(obj, GuideStep):
            obj.body_html = render_markdown(obj.body_md)
        elif isinstance(obj, GuideFAQ):
            obj.answer_html = render_markdown(obj.answer_md)


def publish(guide: Guide, *, commit: bool = True, claims_override: screening.Override | None = None,
            actor_id: int | None = None) -> Guide:
    """Make a guide public. It needs a title, a body, a clinician note and a described hero picture, and copy the
    claims screen clears (or an override with a reason and evidence: screening.ClaimsNeedOverride otherwise)."""
    problems = []
    if not (guide.body_md or "").strip():
        problems.append("a body")
    if not (guide.clinician_note_md or "").strip():
        problems.append("a “when to stop and see a clinician” note")
    if guide.hero_image and not (guide.hero_alt or "").strip():
        problems.append("alt text for its picture")
    if problems:
        raise NotPublishable(f"“{guide.title}” needs " + ", ".join(problems) + " before it can be published.")
    screening.require_cleared("guide", guide.id, guide_places(guide), claims_override, actor_id=actor_id,
                              context="guide")
    guide.status = GuideStatus.PUBLISHED.value
    if guide.published_at is None:
        guide.published_at = utcnow()
    db.session.flush()
    reindex_guide(guide)
    if commit:
        db.session.commit()
    return guide


def unpublish(guide: Guide, *, commit: bool = True) -> Guide:
    guide.status = GuideStatus.DRAFT.value
    db.session.flush()
    reindex_guide(guide)
    if commit:
        db.session.commit()
    return guide


def reindex_guide(guide: Guide) -> None:
    """Index a published guide for /search (remove it otherwise). Caller commits."""
    if guide.status != GuideStatus.PUBLISHED:
        search_index.remove_document("guide", guide.id)
        return
    fields = [(guide.title, 10), (guide.summary, 3), (plain_text(guide.body_md), 1)]
    fields += [(tag.name, 4) for tag in guide.tags]
    fields += [(step.title, 2) for step in guide.steps]
    fields += [(plain_text(step.body_md), 1) for step in guide.steps]
    fields += [(faq.question, 2) for faq in guide.faqs]
    search_index.index_document("guide", guide.id, fields)


# ---------------------------------------------------------------- reading

def _published():
    return Guide.status == GuideStatus.PUBLISHED.value


@dataclass
class ListingQuery:
    tag: Tag | None
    page: int


def topics() -> list[Tag]:
    """Tags used by at least one published guide, by name."""
    used = select(guide_tags.c.tag_id).join(Guide, Guide.id == guide_tags.c.guide_id).where(_published())
    return list(db.session.scalars(select(Tag).where(Tag.id.in_(used)).order_by(func.lower(Tag.name), Tag.id)))


def parse_listing_args(args, all_topics: list[Tag]) -> ListingQuery:
    """Anything odd (unknown topic, page "abc", page -3) falls back to the default listing."""
    slug = args.get("tag")
    tag = next((t for t in all_topics if t.slug == slug), None) if isinstance(slug, str) and slug else None
    return ListingQuery(tag=tag, page=page_number(args.get("page")))


def list_guides(q: ListingQuery):
    """Published guides, newest first, a page at a time (tags loaded in one extra query)."""
    stmt = select(Guide).where(_published())
    if q.tag is not None:
        stmt = stmt.where(Guide.id.in_(select(guide_tags.c.guide_id).where(guide_tags.c.tag_id == q.tag.id)))
    stmt = stmt.order_by(Guide.published_at.desc(), Guide.id.desc()).options(selectinload(Guide.tags))
    per_page = current_app.config.get("GUIDES_PER_PAGE", 12)
    return db.paginate(stmt, page=q.page, per_page=per_page, error_out=False, max_per_page=60)


def published_guides(tag_slug: str | None = None) -> list[Guide]:
    """Every published guide (optionally with one topic), newest first."""
    stmt = select(Guide).where(_published())
    if tag_slug:
        stmt = stmt.where(Guide.tags.any(Tag.slug == tag_slug))
    stmt = stmt.order_by(Guide.published_at.desc(), Guide.id.desc()).options(selectinload(Guide.tags))
    return list(db.session.scalars(stmt))


def get_published_guide(slug: str):
    """A published guide with everything its page shows, in a fixed number of queries: a read-only
    ``page.GuideView`` (the model's attribute names; only active products), None when there is none."""
    if not isinstance(slug, str) or not slug:
        return None
    return page.published_guide(slug)


def products_used(guide: Guide) -> list[Product]:
    """The active products a guide uses: its "tools used" list in order, then any only named in a step."""
    seen: dict[int, Product] = {}
    for link in guide.product_links:
        if link.product is not None:  # None: a product no longer for sale (see page.published_guide)
            seen.setdefault(link.product.id, link.product)
    for step in guide.steps:
        for product in step.products:
            seen.setdefault(product.id, product)
    return [p for p in seen.values() if p.status == ProductStatus.ACTIVE]


@dataclass(frozen=True)
class ToolChoice:
    """One row of a guide's "add the tools" chooser: the product, the sizes a shopper can buy now, the one
    ticked by default (none for a tool to ask a clinician about first, with the reason)."""
    product: Product
    variants: list                 # active variants, in the product's order (sold-out ones shown, not tickable)
    default_variant_id: int | None
    ask_clinician: str = ""        # the reason, when the guide says to ask a clinician first


def tool_choices(guide: Guide, products: list[Product]) -> list[ToolChoice]:
    advice = {link.product_id: link.note or "Ask your clinician whether this suits you before buying it."
              for link in guide.product_links if link.ask_clinician}
    choices = []
    for product in products:
        variants = [v for v in product.variants if v.is_active]
        default = default_variant(product)
        reason = advice.get(product.id, "")
        choices.append(ToolChoice(product, variants, None if reason or default is None else default.id, reason))
    return choices


def default_variant(product: Product):
    """The variant an "add all to cart" adds: the first one a shopper can buy now (None when none is)."""
    return availability.first_in_stock(product.variants)


def guides_for_product(product_id: int, limit: int = 6) -> list:
    """Published guides that use a product (in "tools used" or in a step), newest first: rows of what a link
    to one shows (id, slug, title, summary, reading_minutes, published_at). One query."""
    return list(db.session.execute(_guides_for_product(), {"product_id": product_id, "limit": limit}))


@prepared
def _guides_for_product():
    product_id = bindparam("product_id")
    linked = select(GuideProduct.guide_id).where(GuideProduct.product_id == product_id)
    in_steps = (select(GuideStep.guide_id).join(step_products, step_products.c.step_id == GuideStep.id)
                .where(step_products.c.product_id == product_id))
    return (select(Guide.id, Guide.slug, Guide.title, Guide.summary, Guide.reading_minutes, Guide.published_at)
            .where(_published(), or_(Guide.id.in_(linked), Guide.id.in_(in_steps)))
            .order_by(Guide.published_at.desc(), Guide.id.desc()).limit(bindparam("limit")))


@prepared
def products_in_same_guides_statement():
    """Related products' first source (catalog.related): (product_id, pos) of the products used together with
    ``product_id`` in published guides, most shared guides first, at most ``limit``."""
    product_id = bindparam("product_id")
    linked = select(GuideProduct.guide_id).where(GuideProduct.product_id == product_id)
    in_steps = (select(GuideStep.guide_id).join(step_products, step_products.c.step_id == GuideStep.id)
                .where(step_products.c.product_id == product_id))
    guides = select(Guide.id).where(_published(), or_(Guide.id.in_(linked), Guide.id.in_(in_steps)))
    shared = func.count(func.distinct(GuideProduct.guide_id))
    order = (shared.desc(), GuideProduct.product_id)
    return (select(GuideProduct.product_id.label("product_id"), func.row_number().over(order_by=order).label("pos"))
            .join(Product, Product.id == GuideProduct.product_id)
            .where(GuideProduct.guide_id.in_(guides), GuideProduct.product_id != product_id,
                   Product.status == ProductStatus.ACTIVE)
            .group_by(GuideProduct.product_id).order_by(*order)
            .limit(limit_param()).subquery())


def guides_by_ids(ids: list[int]) -> dict[int, Guide]:
    if not ids:
        return {}
    return {g.id: g for g in db.session.scalars(select(Guide).where(Guide.id.in_(ids), _published()))}


def sitemap_entries() -> list[tuple[str, object]]:
    """(slug, updated_at) of every published guide."""
    return list(db.session.execute(
        select(Guide.slug, func.coalesce(Guide.updated_at, Guide.published_at)).where(_published())
        .order_by(Guide.id)).all())

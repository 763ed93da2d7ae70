"""Guide pages: the list (with a topic filter) and one guide."""
from __future__ import annotations

from flask import Flask, abort, current_app, render_template, request, url_for

from store import search as search_index
from store.catalog import related
from store.guides import bp, services
from store.markup import html_text
from store.seo import breadcrumb_jsonld, faq_jsonld, register_sitemap
from store import util
from store.pagecache import cacheable
from store.templating import absolute_url_for


def register(app: Flask) -> None:
    """The guides' part of the site: guides in search results and the sitemap, and the "Learn how to use it"
    list on product pages (the catalog does not know about guides; its product template asks this global)."""
    search_index.register_loader(app, "guide", services.guides_by_ids)
    register_sitemap(app, _sitemap_entries)
    app.add_template_global(guides_for_product, "guides_for_product")
    related.register_source(app, 10, services.products_in_same_guides_statement)  # related products: same guides first


def guides_for_product(product) -> list:
    """The published guides that use a product, newest first (one query)."""
    return services.guides_for_product(product.id)


def _sitemap_entries() -> list[tuple[str, str | None]]:
    entries = [(url_for("guides.guide_list"), None)]
    entries += [(url_for("guides.guide_detail", slug=slug), updated.date().isoformat() if updated else None)
                for slug, updated in services.sitemap_entries()]
    return entries


@bp.get("/guides")
@cacheable
def guide_list():
    all_topics = services.topics()
    query = services.parse_listing_args(request.args, all_topics)
    pagination = services.list_guides(query)
    util.require_page_in_range(pagination)
    canonical_args = util.canonical_args(pagination.page, tag=query.tag.slug if query.tag is not None else None)
    return render_template("guides/list.html", pagination=pagination, query=query, topics=all_topics,
                           canonical_args=canonical_args)


@bp.get("/guides/<slug>")
@cacheable
def guide_detail(slug: str):
    guide = services.get_published_guide(slug)
    if guide is None:
        abort(404, description="We could not find that guide. It may have been retired or the link may be "
                               "mistyped; see all our guides for something similar.")
    products = services.products_used(guide)
    return render_template("guides/guide_detail.html", guide=guide, products=products,
                           tool_choices=services.tool_choices(guide, products),
                           structured_data=_guide_jsonld(guide, products),
                           breadcrumbs_data=breadcrumb_jsonld([
                               ("Guides", absolute_url_for("guides.guide_list")),
                               (guide.title, absolute_url_for("guides.guide_detail", slug=guide.slug))]),
                           faq_data=faq_jsonld((f.question, html_text(f.answer_html)) for f in guide.faqs))


def _guide_jsonld(guide, products) -> dict:
    """schema.org HowTo (steps, tools) when the guide has steps, Article otherwise."""
    page_url = absolute_url_for("guides.guide_detail", slug=guide.slug)
    store = {"@type": "Organization", "name": current_app.config["STORE_NAME"],
             "url": absolute_url_for("catalog.home")}
    data = {
        "@context": "https://schema.org",
        "@type": "HowTo" if guide.steps else "Article",
        "name" if guide.steps else "headline": guide.title,
        "description": guide.summary,
        "url": page_url,
        "mainEntityOfPage": page_url,
        "inLanguage": "en",
        "author": store,
        "publisher": store,
        "keywords": ", ".join(t.name for t in guide.tags),
        "timeRequired": f"PT{guide.reading_minutes}M",
    }
    if guide.published_at:
        data["datePublished"] = guide.published_at.date().isoformat()
    if guide.updated_at:
        data["dateModified"] = guide.updated_at.date().isoformat()
    if guide.hero_image:
        data["image"] = absolute_url_for("static", filename=guide.hero_image)
    if guide.steps:
        data["step"] = [{"@type": "HowToStep", "position": i, "name": step.title, "text": html_text(step.body_html),
                         "url": f"{page_url}#step-{i}"} for i, step in enumerate(guide.steps, 1)]
        data["tool"] = [{"@type": "HowToTool", "name": p.name,
                         "url": absolute_url_for("catalog.product_detail", slug=p.slug)} for p in products]
    if guide.references:
        data["citation"] = [_reference_jsonld(r) for r in guide.references]
    return data


def _reference_jsonld(ref) -> dict | str:
    """A reference as a schema.org ScholarlyArticle when its title is known (else its citation text)."""
    if not ref.title:
        return ref.citation
    article = {"@type": "ScholarlyArticle", "name": ref.title, "description": ref.citation}
    if ref.journal:
        article["isPartOf"] = {"@type": "Periodical", "name": ref.journal}
    if ref.year:
        article["datePublished"] = str(ref.year)
    if ref.doi_url:
        article["sameAs"] = ref.doi_url
    return article

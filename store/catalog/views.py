"""Shop-front pages: home, product list, product detail, search."""
from __future__ import annotations

from flask import Flask, abort, current_app, jsonify, redirect, render_template, request, url_for

from store import search as search_index
from store.catalog import availability, bp, facets, related, services
from store.extensions import limiter
from store.money import cents_to_decimal_string
from store.seo import breadcrumb_jsonld, register_sitemap
from store import util
from store.pagecache import cacheable
from store.media.views import image_src
from store.templating import absolute_path, absolute_url_for


def register(app: Flask) -> None:
    """The catalog's part of the site: its products in search results and its pages in the sitemap."""
    search_index.register_loader(app, "product", services.products_by_ids)
    register_sitemap(app, _sitemap_entries)
    related.register(app)


def _sitemap_entries() -> list[tuple[str, str | None]]:
    entries = [(url_for("catalog.home"), None), (url_for("catalog.product_list"), None)]
    entries += [(url_for("catalog.product_list", category=c.slug), None) for c in services.categories()]
    entries += [(url_for("catalog.product_detail", slug=slug), updated.date().isoformat())
                for slug, updated in services.sitemap_entries()]
    return entries


PRODUCT_PAGE_EXTENSIONS = "product_page_extensions"


def add_product_page_extension(app: Flask, fn) -> None:
    """An area adds to product pages without the catalog importing it: ``fn(product, variants, selected,
    args)`` returns template context (its includes read it); a ``structured_data`` key is merged into the
    page's schema.org Product (e.g. reviews add ``aggregateRating`` and ``review``). Each should cost a fixed
    number of queries."""
    app.extensions.setdefault(PRODUCT_PAGE_EXTENSIONS, []).append(fn)


def _extensions_context(product, variants, selected, structured_data: dict) -> dict:
    context: dict = {}
    for fn in current_app.extensions.get(PRODUCT_PAGE_EXTENSIONS, ()):
        extra = dict(fn(product, variants, selected, request.args) or {})
        structured_data.update(extra.pop("structured_data", None) or {})
        context.update(extra)
    return context


@bp.get("/")
@cacheable
def home():
    return render_template("catalog/home.html", featured=services.featured_products(),
                           categories=services.category_tiles())


@bp.get("/products")
@cacheable
def product_list():
    all_categories = services.categories()
    query = services.parse_listing_args(request.args, all_categories)
    if query.unknown_category is not None:
        moved = services.category_redirect(query.unknown_category)
        if moved is None:  # an unknown slug, or a hidden category's: not a page of the shop
            abort(404, description="We could not find that category. Browse all products instead.")
        args = request.args.to_dict()
        args["category"] = moved.slug
        return redirect(url_for("catalog.product_list", **args), code=301)
    sort_args = {"sort": query.sort} if query.sort != services.DEFAULT_SORT else {}
    allergens = services.all_allergens()
    facet_counts = facets.counts(query.filters(), all_categories, base_args=sort_args, allergens=allergens)
    pagination = services.list_products(query, total=facet_counts.total)
    if query.page > 1 and query.page > pagination.pages:
        abort(404, description="That page is past the end of the list.")
    canonical_args = util.canonical_args(pagination.page,
                                         category=query.category.slug if query.category is not None else None)
    return render_template("catalog/list.html", pagination=pagination, query=query, canonical_args=canonical_args,
                           category_picture=services.category_with_picture(query.category),
                           categories=all_categories, sorts=services.SORTS, facets=facet_counts,
                           filter_args=query.filters().args(), allergens=allergens)


@bp.get("/products/<slug>")
@cacheable
def product_detail(slug: str):
    product = services.get_active_product(slug)
    if product is None:
        abort(404, description="We could not find that product. It may be sold out for good or the link may be "
                               "mistyped; browse the shop to find something similar.")
    variants = [v for v in product.variants if v.is_active]
    selected = _selected_variant(variants, request.args.get("variant"))
    structured_data = _product_jsonld(product, variants, selected)
    extra = _extensions_context(product, variants, selected, structured_data)
    return render_product_page("catalog/product_detail.html", product=product, variants=variants,
                               selected=selected, structured_data=structured_data,
                               related_products=related.related_products(product), **extra,
                               breadcrumbs_data=_product_breadcrumbs(product))


def _product_breadcrumbs(product) -> dict:
    """The page's visible trail (Shop, its category, the product) as a BreadcrumbList."""
    crumbs = [("Shop", absolute_url_for("catalog.product_list"))]
    if product.category is not None:
        crumbs.append((product.category.name, absolute_url_for("catalog.product_list", category=product.category.slug)))
    crumbs.append((product.name, absolute_url_for("catalog.product_detail", slug=product.slug)))
    return breadcrumb_jsonld(crumbs)


SAFETY_HOOK = '<section id="safety"'


def render_product_page(template: str, **context) -> str:
    """Render a product page and refuse to serve it without its safety block. The block is included by
    catalog/product_layout.html; a template that overrode the layout's content block would drop it."""
    html = render_template(template, **context)
    if SAFETY_HOOK not in html:
        raise RuntimeError(f"{template} rendered a product page without its safety block; product templates "
                           "must extend catalog/product_layout.html and keep its content block.")
    return html


def _selected_variant(variants, sku):
    if isinstance(sku, str):
        for variant in variants:
            if variant.sku == sku:
                return variant
    return next((v for v in variants if v.available > 0), variants[0] if variants else None)


PRODUCT_RESULTS = 48
GUIDE_RESULTS = 10
SUGGESTIONS = 6


@bp.get("/search")
@cacheable
def search():
    """Product cards (with facets) and, apart from them, guides: each area loads its own hits."""
    q = search_index.normalise_query(request.args.get("q", ""))
    all_categories = services.categories()
    allergens = services.all_allergens()
    filters, _unknown = facets.parse_filters(request.args, all_categories, allergens)  # odd facets: not applied
    exact = request.args.get("exact") == "1"
    plan = search_index.prepare(q, correct=not exact) if q else None
    products, guides, facet_counts = [], [], None
    if plan is not None and plan.found:
        facet_counts = facets.counts(filters, all_categories, scope=search_index.matching_ids(plan, "product"),
                                     base_args={"q": q}, allergens=allergens)
        restrict = {"product": services.active_product_ids(filters)} if filters.active else None
        product_hits = search_index.hits(plan, ("product",), limit=PRODUCT_RESULTS, restrict=restrict)
        products = [item for _, item in search_index.load(product_hits)]
        if not filters.active:  # guides have no price or stock: a product filter leaves them out
            guides = [item for _, item in search_index.load(search_index.hits(plan, ("guide",), limit=GUIDE_RESULTS))]
    return render_template("catalog/search.html", q=q, plan=plan, products=products, guides=guides,
                           facets=facet_counts, filters=filters, categories=all_categories)


@bp.get("/search/suggest")
@limiter.limit(lambda: current_app.config.get("SEARCH_SUGGEST_RATE_LIMIT", "300 per minute"))
def search_suggest():
    """Suggestions as you type, for the header's combobox: completed queries, then the best products.
    A small JSON answer, cacheable for a minute (it shows only what the shop front shows anyone)."""
    q = search_index.normalise_query(request.args.get("q", ""))
    items = []
    if len(q) >= 2:
        items += [{"type": "query", "label": text, "url": url_for("catalog.search", q=text)}
                  for text in search_index.suggest(q, limit=4)]
        plan = search_index.prepare(q)
        for _, product in search_index.load(search_index.hits(plan, ("product",), limit=SUGGESTIONS)):
            items.append({"type": "product", "label": product.name,
                          "url": url_for("catalog.product_detail", slug=product.slug)})
    response = jsonify({"q": q, "suggestions": items[:SUGGESTIONS + 4]})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _product_jsonld(product, variants, selected) -> dict:
    """schema.org Product with one Offer per variant (price as a decimal string, availability)."""
    currency = current_app.config["STORE_CURRENCY"]
    page_url = absolute_url_for("catalog.product_detail", slug=product.slug)
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.summary,
        "brand": {"@type": "Brand", "name": current_app.config["STORE_NAME"]},
        "url": page_url,
        "image": [absolute_path(image_src(i.path)) for i in product.images],
        "offers": [
            {
                "@type": "Offer",
                "sku": v.sku,
                "name": v.option_label,
                "price": cents_to_decimal_string(v.price_cents, currency),
                "priceCurrency": currency,
                "availability": availability.stock_status(v).schema,
                "url": absolute_url_for("catalog.product_detail", slug=product.slug, variant=v.sku),
            }
            for v in variants
        ],
    }
    if selected is not None:
        data["sku"] = selected.sku
    if product.category is not None:
        data["category"] = product.category.name
    return data

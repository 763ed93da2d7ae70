"""Shop-front pages: home, product list, product detail, search."""
from __future__ import annotations

from flask import Flask, abort, current_app, redirect, render_template, request, url_for

from store import search as search_index
from store.catalog import availability, bp, related, services
from store.money import cents_to_decimal_string
from store.seo import breadcrumb_jsonld, register_sitemap
from store import util
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
def home():
    return render_template("catalog/home.html", featured=services.featured_products(),
                           categories=services.categories())


@bp.get("/products")
def product_list():
    all_categories = services.categories()
    query = services.parse_listing_args(request.args, all_categories)
    slug = request.args.get("category")
    if query.category is None and slug:
        moved = services.category_redirect(slug)
        if moved is not None:
            args = request.args.to_dict()
            args["category"] = moved.slug
            return redirect(url_for("catalog.product_list", **args), code=301)
    pagination = services.list_products(query)
    canonical_args = util.canonical_args(pagination.page,
                                         category=query.category.slug if query.category is not None else None)
    return render_template("catalog/list.html", pagination=pagination, query=query, canonical_args=canonical_args,
                           categories=all_categories, sorts=services.SORTS, allergens=services.all_allergens())


@bp.get("/products/<slug>")
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


@bp.get("/search")
def search():
    """Products and guides in one ranked list: each area loads its own hits (see register)."""
    q = search_index.normalise_query(request.args.get("q", ""))
    results = search_index.search_results(q) if q else []
    return render_template("catalog/search.html", q=q, results=results)


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

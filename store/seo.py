"""robots.txt and sitemap.xml."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for
from sqlalchemy import select

from store.catalog.models import Product, ProductStatus
from store.extensions import db
from store.templating import absolute_path

bp = Blueprint("seo", __name__)

# Other areas (guides) add a callable returning [(path, lastmod-or-None)] with @sitemap_provider.
SITEMAP_PROVIDERS: list = []


def sitemap_provider(func):
    SITEMAP_PROVIDERS.append(func)
    return func


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /admin",
        "Disallow: /cart",
        "Disallow: /checkout",
        "Disallow: /account",
        "Disallow: /search",
        f"Sitemap: {_abs(url_for('seo.sitemap'))}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    urls: list[tuple[str, str | None]] = [(_abs(url_for("catalog.home")), None),
                                          (_abs(url_for("catalog.product_list")), None)]
    rows = db.session.execute(
        select(Product.slug, Product.updated_at).where(Product.status == ProductStatus.ACTIVE).order_by(Product.id)
    )
    urls += [(_abs(url_for("catalog.product_detail", slug=slug)), updated.date().isoformat())
             for slug, updated in rows]
    for provider in SITEMAP_PROVIDERS:
        urls += [(_abs(path), lastmod) for path, lastmod in provider()]
    xml = render_template("sitemap.xml", urls=urls)
    return Response(xml, mimetype="application/xml")


def _abs(path: str) -> str:
    return absolute_path(path)

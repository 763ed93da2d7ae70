"""robots.txt, sitemap.xml and the schema.org pieces pages share (BreadcrumbList, FAQPage). Imports no area:
each area adds its pages to the sitemap from its ``register(app)`` with ``register_sitemap(app, provider)``; the
sitemap lists them in registration order. OpenGraph and Twitter card tags are in ``templates/base.html``
(blocks ``og_type``, ``og_image``, ``og_extra``), filled by the product and guide layouts."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint, Flask, Response, current_app, render_template, url_for

from store.templating import absolute_path

bp = Blueprint("seo", __name__)

# A provider returns the (local path, lastmod as "YYYY-MM-DD" or None) of the pages it lists.
SitemapProvider = Callable[[], Iterable[tuple[str, str | None]]]


def breadcrumb_jsonld(crumbs: Iterable[tuple[str, str]]) -> dict:
    """schema.org BreadcrumbList from (name, absolute URL) pairs, home first, the page itself last."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": i, "name": name, "item": url}
                            for i, (name, url) in enumerate(crumbs, 1)],
    }


def faq_jsonld(faqs: Iterable[tuple[str, str]]) -> dict | None:
    """schema.org FAQPage from (question, answer as plain text) pairs; None when there are none."""
    entities = [{"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}}
                for q, a in faqs if (q or "").strip() and (a or "").strip()]
    if not entities:
        return None
    return {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": entities}


def register_sitemap(app: Flask, provider: SitemapProvider) -> None:
    app.extensions.setdefault("sitemap_providers", []).append(provider)


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /admin",
        "Disallow: /cart",
        "Disallow: /checkout",
        "Disallow: /account",
        "Disallow: /search",
        f"Sitemap: {absolute_path(url_for('seo.sitemap'))}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    urls = [(absolute_path(path), lastmod)
            for provider in current_app.extensions.get("sitemap_providers", [])
            for path, lastmod in provider()]
    xml = render_template("sitemap.xml", urls=urls)
    return Response(xml, mimetype="application/xml")

"""Jinja filters and globals shared by every template. Imports no area: each area registers its own
template globals from its ``register(app)`` (see create_app)."""
from __future__ import annotations

import json

from flask import Flask, current_app, request, url_for
from markupsafe import Markup

from store.money import cents_to_decimal_string, format_money


def absolute_path(path: str) -> str:
    """An absolute URL for a local path, on STORE_URL when set (canonical links, sitemap, JSON-LD)."""
    base = current_app.config.get("STORE_URL") or request.host_url
    return base.rstrip("/") + path


def absolute_url_for(endpoint: str, **values) -> str:
    return absolute_path(url_for(endpoint, **values))


def register(app: Flask) -> None:
    @app.template_filter("money")
    def money_filter(cents, currency: str | None = None):
        return format_money(cents, currency or current_app.config["STORE_CURRENCY"])

    @app.template_filter("money_plain")
    def money_plain_filter(cents, currency: str | None = None):
        return cents_to_decimal_string(cents, currency or current_app.config["STORE_CURRENCY"])

    @app.template_filter("jsonld")
    def jsonld_filter(data) -> Markup:
        # Escape "<", ">" and "&" so that no string can close the <script> element.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return Markup(text)

    @app.template_global()
    def canonical_url(endpoint: str | None = None, **values) -> str:
        return absolute_url_for(endpoint, **values) if endpoint else absolute_path(request.path)

    app.add_template_global(absolute_path, "absolute_url")

    @app.context_processor
    def store_context():
        return {
            "store_name": current_app.config["STORE_NAME"],
            "store_currency": current_app.config["STORE_CURRENCY"],
        }

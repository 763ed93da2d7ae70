"""Jinja filters and globals shared by every template. Imports no area: each area registers its own
template globals from its ``register(app)`` (see create_app)."""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request
from markupsafe import Markup

from store.carriers import tracking_url
from store.money import cents_to_decimal_string, format_money


def parse_origin(value) -> tuple[str, str]:
    """(scheme, host[:port]) of a STORE_URL such as "https://kneadwell.example"; ValueError when it is not an
    http(s) origin."""
    parts = urlsplit(str(value or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"STORE_URL must be the store's origin, like https://kneadwell.example (got {value!r})")
    return parts.scheme, parts.netloc.lower()


def store_origin() -> str:
    """The configured origin, without a trailing slash. Never the request's Host header."""
    scheme, netloc = parse_origin(current_app.config.get("STORE_URL"))
    return f"{scheme}://{netloc}"


def trusted_hosts(config) -> list[str]:
    """The host names a request may carry: STORE_URL's, plus TRUSTED_HOSTS_EXTRA (compared without port)."""
    scheme, netloc = parse_origin(config.get("STORE_URL"))
    host = urlsplit(f"{scheme}://{netloc}")
    extra = config.get("TRUSTED_HOSTS_EXTRA") or []
    if isinstance(extra, str):
        extra = extra.replace(",", " ").split()
    return list(dict.fromkeys([host.hostname, *(h.strip().lower() for h in extra if h.strip())]))


def absolute_path(path: str) -> str:
    """An absolute URL for a local path, on STORE_URL (emails, Stripe return URLs, canonical links, sitemap,
    JSON-LD). Never built from the request, whose Host header the client chooses."""
    return store_origin() + path


def absolute_url_for(endpoint: str, **values) -> str:
    """url_for on STORE_URL; works outside a request too (a worker rendering an email)."""
    if has_request_context():
        return absolute_path(memo_url_for(endpoint, **values))
    scheme, netloc = parse_origin(current_app.config.get("STORE_URL"))
    adapter = current_app.url_map.bind(netloc, url_scheme=scheme)
    return adapter.build(endpoint, values, force_external=True)


def email_url(endpoint: str, **values) -> str:
    """An absolute link for an email (on STORE_URL); empty when none can be built (no STORE_URL in a worker),
    and the email's text then says how to find the page instead."""
    try:
        return absolute_url_for(endpoint, **values)
    except (RuntimeError, ValueError):
        return ""


FINGERPRINTED = (".css", ".js")  # pictures keep plain URLs (they appear in feeds, JSON-LD and social cards)
IMMUTABLE = "public, max-age=31536000, immutable"


def static_fingerprint(app: Flask, filename: str) -> str | None:
    """A short hash of a static stylesheet or script (read once per process): its URLs carry it as ``?v=``."""
    if not filename.endswith(FINGERPRINTED):
        return None
    known = app.extensions.setdefault("static_fingerprints", {})
    if filename not in known:
        path = Path(app.static_folder or "", filename)
        try:
            known[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else None
        except OSError:
            known[filename] = None
    return known[filename]


def register_static_fingerprints(app: Flask) -> None:
    """``url_for('static', filename='css/store.css')`` is ``/static/css/store.css?v=<hash>``, and a response for
    the current hash may be kept a year (``immutable``): a changed file has a new URL. Other requests for static
    files keep Flask's default caching."""
    @app.url_defaults
    def _fingerprint(endpoint, values):
        if endpoint == "static" and "v" not in values and isinstance(values.get("filename"), str):
            version = static_fingerprint(app, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _immutable(response):
        if (request.endpoint == "static" and response.status_code in (200, 304) and request.args.get("v")
                and request.args["v"] == static_fingerprint(app, (request.view_args or {}).get("filename", ""))):
            response.headers["Cache-Control"] = IMMUTABLE
        return response


URL_MEMO_SIZE = 4096


def register_url_memo(app: Flask) -> None:
    """Templates' ``url_for`` remembers the links it built (a page builds 40 to 90, most of them the same on
    every page: the header, the footer, the fingerprinted assets, the placeholder picture). Only plain calls are
    kept: an absolute endpoint with string or number values, no ``_external``/``_anchor``/``_method``/``_scheme``;
    the key holds the request's script root, the one part of the request a relative link depends on. A link is
    a function of the URL map, which never changes while the process runs, so the memo never goes stale; it is
    bounded (least recently used links leave first) and holds nothing another instance needs."""
    build = app.jinja_env.globals["url_for"]

    @functools.lru_cache(maxsize=URL_MEMO_SIZE)
    def memo(script_root: str, endpoint: str, values: tuple) -> str:
        return build(endpoint, **dict(values))

    plain = (str, int)  # by exact type: not a bool, not a Markup or another subclass

    def url_for_memo(endpoint: str, **values):
        if type(endpoint) is not str or endpoint[:1] == "." or not has_request_context():
            return build(endpoint, **values)
        for key, value in values.items():
            if key[:1] == "_" or type(value) not in plain:
                return build(endpoint, **values)
        return memo(request.script_root, endpoint, tuple(values.items()))  # in order: it is the query string's

    app.jinja_env.globals["url_for"] = url_for_memo
    app.extensions["url_memo"] = url_for_memo


def memo_url_for(endpoint: str, **values) -> str:
    """``url_for`` through the app's link memo (``register_url_memo``), for template helpers written in Python
    (a picture's URL on every card)."""
    return current_app.extensions["url_memo"](endpoint, **values)


def register(app: Flask) -> None:
    register_static_fingerprints(app)
    register_url_memo(app)

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
    # The emails' globals: absolute links and carriers' tracking links (templates/emails/).
    app.add_template_global(email_url, "email_url")
    app.add_template_global(tracking_url, "tracking_url")

    @app.context_processor
    def store_context():
        return {
            "store_name": current_app.config["STORE_NAME"],
            "store_currency": current_app.config["STORE_CURRENCY"],
        }

"""Serving blobs: ``/media/<sha256>.<ext>``, immutable (the URL changes when the bytes do)."""
from __future__ import annotations

import re

from flask import Flask, Response, abort, request, url_for

from store.extensions import limiter
from store.media import bp, storage
from store.media.models import Picture
from store.templating import memo_url_for

EXTENSIONS = {"webp": "image/webp", "jpg": "image/jpeg"}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
CACHE_FOREVER = "public, max-age=31536000, immutable"


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(picture_url, "picture_url")
    app.add_template_global(picture_srcset, "picture_srcset")
    app.add_template_global(image_src, "image_src")


def picture_url(picture: Picture, fmt: str = "webp", width: int | None = None) -> str:
    rendition = picture.rendition(fmt, width)
    return url_for("media.blob", sha256=rendition.blob_sha256, ext=rendition.extension) if rendition else ""


def picture_srcset(picture: Picture, fmt: str) -> str:
    return ", ".join(f"{url_for('media.blob', sha256=r.blob_sha256, ext=r.extension)} {r.width}w"
                     for r in picture.srcset(fmt))


def image_src(path: str | None) -> str:
    """A stored picture path as a URL: ``media/<sha256>.<ext>`` is a blob, anything else is under static/."""
    if not path:
        return ""
    if path.startswith("media/"):
        sha256, _, ext = path[len("media/"):].partition(".")
        return memo_url_for("media.blob", sha256=sha256, ext=ext)
    return memo_url_for("static", filename=path)


@bp.get("/media/<sha256>.<ext>")
@limiter.exempt
def blob(sha256: str, ext: str):
    if ext not in EXTENSIONS or not _HEX64.match(sha256):
        abort(404)
    etag = sha256
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        found = storage.get_bytes(sha256)
        if found is None or found[0] != EXTENSIONS[ext]:
            abort(404)
        response = Response(found[1], mimetype=found[0])
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_FOREVER
    return response

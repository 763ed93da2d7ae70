"""Media: pictures every instance sees. Bytes live in the database as content-addressed blobs (``media_blobs``,
keyed by the sha256 of the bytes); an upload is verified and re-encoded once into renditions (320/640/1280 px
wide, WebP and a JPEG fallback), each its own blob, served at ``/media/<sha256>.<ext>`` as immutable.

Storage seam: ``store.media.storage`` is the only module that reads or writes blob bytes. An S3-compatible
store would replace ``put_bytes``/``get_bytes`` there (keeping the ``media_blobs`` row as the index) without
touching the callers."""
from flask import Blueprint

bp = Blueprint("media", __name__)

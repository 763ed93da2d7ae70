"""Where blob bytes live: the one seam for another store.

The embedded default keeps the bytes in ``media_blobs.data``. An S3-compatible store would implement these two
functions (``put_bytes`` uploads to ``<bucket>/<sha256>`` and leaves ``data`` empty; ``get_bytes`` fetches or
redirects), keeping the ``media_blobs`` row as the index: callers and URLs stay the same because blobs are
named by their content hash."""
from __future__ import annotations

from sqlalchemy import select

from store.extensions import db
from store.media.models import MediaBlob


def put_bytes(blob: MediaBlob, data: bytes) -> None:
    blob.data = data


def get_bytes(sha256: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of a blob, or None."""
    row = db.session.execute(
        select(MediaBlob.content_type, MediaBlob.data).where(MediaBlob.sha256 == sha256)).first()
    return (row.content_type, row.data) if row else None

"""The back office's file downloads: one way to answer a CSV export."""
from __future__ import annotations

from flask import Response

from store.util import utcnow


def csv_download(name: str, body) -> Response:
    """``body`` (a string or an iterable of strings) as ``kneadwell-<name>-<YYYYmmdd-HHMM>.csv``."""
    filename = f"kneadwell-{name}-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})

"""Small helpers shared by every area."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from urllib.parse import urlsplit


def utcnow() -> datetime:
    """Naive UTC 'now' (stored the same way on SQLite and PostgreSQL). Pass the function, never its result,
    as a column default."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text[:120] or "item"


def is_safe_next(target: str | None) -> bool:
    """True only for a local path such as "/cart" (no scheme, no host, no '//' or backslash tricks)."""
    if not target or not isinstance(target, str):
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc

"""Small helpers shared by every area."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
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


# Every id and quantity column is a 32-bit INTEGER on PostgreSQL (SQLite stops at 2**63 - 1): a number outside
# this range cannot name a row, and sending it to the database fails inside the driver instead of matching nothing.
DB_INT_MAX = 2**31 - 1
MAX_PAGE = 10_000


def int_in_range(raw, minimum: int = 1, maximum: int = DB_INT_MAX) -> int | None:
    """The whole number in `raw` if it lies in [minimum, maximum], else None (for ids and filters from a URL)."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if minimum <= value <= maximum else None


def page_number(raw, maximum: int = MAX_PAGE) -> int:
    """A page number from a query string: 1 for garbage, clamped to [1, maximum] so OFFSET stays small."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(value, 1), maximum)


def date_arg(raw):
    """A YYYY-MM-DD date from a filter form, or None. The last representable day is refused too: "up to and
    including" filters add a day to it, which would overflow."""
    try:
        value = date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None
    return value if value < date.max else None


def canonical_args(page: int, **filters) -> dict:
    """The query arguments a listing's canonical link keeps: the filters that are set, and the page after the first."""
    args = {name: value for name, value in filters.items() if value is not None}
    if page > 1:
        args["page"] = page
    return args


def require_page_in_range(pagination) -> None:
    """A listing page past the last (``?page=99`` of 2) answers 404 rather than "page 99 of 2"; page 1 of an
    empty listing is a page (it says there is nothing yet)."""
    if pagination.page > 1 and pagination.page > pagination.pages:
        from werkzeug.exceptions import NotFound
        raise NotFound("That page is past the last one.")

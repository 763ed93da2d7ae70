"""Disclaimers: the current version of each kind, and new versions (never edits in place)."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select

from store.db import prepared
from store.extensions import db
from store.safety.models import Disclaimer, DisclaimerKind
from store.util import utcnow


class MissingDisclaimer(RuntimeError):
    """No disclaimer of this kind exists: pages that must show one refuse to render."""


@prepared
def _current_disclaimer():
    return (select(Disclaimer).where(Disclaimer.kind == bindparam("kind"), Disclaimer.effective_at <= bindparam("now"))
            .order_by(Disclaimer.version.desc()).limit(1))


def current_disclaimer(kind: DisclaimerKind | str = DisclaimerKind.PRODUCT) -> Disclaimer:
    """The newest version in effect. Raises MissingDisclaimer when there is none: a product page
    without its disclaimer must fail loudly rather than render."""
    disclaimer = db.session.scalar(_current_disclaimer(), {"kind": str(kind), "now": utcnow()})
    if disclaimer is None:
        raise MissingDisclaimer(f"No {kind} disclaimer is in effect; run `flask seed-demo` or add one in the admin.")
    return disclaimer


def new_disclaimer_version(kind: DisclaimerKind | str, title: str, body: str, actor_id: int | None = None,
                           *, commit: bool = True) -> Disclaimer:
    title, body = (title or "").strip(), (body or "").strip()
    if not body:
        raise ValueError("A disclaimer needs its text.")
    if not title:
        raise ValueError("A disclaimer needs a title.")
    latest = db.session.scalar(select(func.max(Disclaimer.version)).where(Disclaimer.kind == str(kind))) or 0
    disclaimer = Disclaimer(kind=str(kind), version=latest + 1, title=title, body=body,
                            effective_at=utcnow(), created_by_id=actor_id)
    db.session.add(disclaimer)
    if commit:
        db.session.commit()
    return disclaimer


def disclaimer_history(kind: DisclaimerKind | str) -> list[Disclaimer]:
    return list(db.session.scalars(
        select(Disclaimer).where(Disclaimer.kind == str(kind)).order_by(Disclaimer.version.desc())))


# ---------------------------------------------------------------- product warnings, versioned

def warnings_snapshot(product) -> dict:
    """What an order line keeps of a product's warnings: the version in effect and its text (one a line).
    ``Product.warnings_version`` is bumped by every change of the text, so (product, version) names one text."""
    return {"warnings_version": product.warnings_version or 1, "warnings_text": "\n".join(product.warning_list)}


def key_warnings(product, limit: int = 3) -> list[str]:
    """The first warnings of a product (allergen lines first): what checkout lists beside the acknowledgment."""
    lines = product.warning_list
    allergen = [w for w in lines if "allerg" in w.lower() or "contains" in w.lower()]
    rest = [w for w in lines if w not in allergen]
    return (allergen + rest)[:limit]

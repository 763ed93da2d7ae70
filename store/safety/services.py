"""Disclaimers: the current version of each kind, and new versions (never edits in place)."""
from __future__ import annotations

from sqlalchemy import func, select

from store.extensions import db
from store.safety.models import Disclaimer, DisclaimerKind
from store.util import utcnow


class MissingDisclaimer(RuntimeError):
    """No disclaimer of this kind exists: pages that must show one refuse to render."""


def current_disclaimer(kind: DisclaimerKind | str = DisclaimerKind.PRODUCT) -> Disclaimer:
    """The newest version in effect. Raises MissingDisclaimer when there is none: a product page
    without its disclaimer must fail loudly rather than render."""
    disclaimer = db.session.scalar(
        select(Disclaimer)
        .where(Disclaimer.kind == str(kind), Disclaimer.effective_at <= utcnow())
        .order_by(Disclaimer.version.desc())
        .limit(1)
    )
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

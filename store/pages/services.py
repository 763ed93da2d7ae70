"""Policy and help pages: the current version of each, new versions (never edits in place), the contact form.

The pages the store has are fixed (``PAGES``): the footer, the checkout and the sitemap link to them by slug,
so the owner edits their words, not which pages exist.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from store import outbox
from store.extensions import db
from store.pages.models import ContactMessage, PageVersion
from store.util import utcnow


@dataclass(frozen=True)
class PageKind:
    slug: str
    label: str        # the link text in the footer and the back office


PAGES: tuple[PageKind, ...] = (
    PageKind("shipping", "Shipping"),
    PageKind("returns", "Returns and refunds"),
    PageKind("privacy", "Privacy"),
    PageKind("terms", "Terms of sale"),
    PageKind("about", "About us"),
    PageKind("contact", "Contact"),
)
PAGE_SLUGS = frozenset(p.slug for p in PAGES)
PAGE_BY_SLUG = {p.slug: p for p in PAGES}

CONTACT_TOPICS = (
    ("order", "An order I placed"),
    ("product", "A product or how to use it"),
    ("returns", "A return or refund"),
    ("other", "Something else"),
)


class PageError(ValueError):
    """A page version or contact message that cannot be saved (shown to the user as a form error)."""


class MissingPage(LookupError):
    """No version of this page exists yet."""


def current_page(slug: str) -> PageVersion:
    """The newest version in effect. Raises MissingPage when the page has none (the view answers 404)."""
    if slug not in PAGE_SLUGS:
        raise MissingPage(slug)
    page = db.session.scalar(select(PageVersion)
                             .where(PageVersion.slug == slug, PageVersion.effective_at <= utcnow())
                             .order_by(PageVersion.version.desc()).limit(1))
    if page is None:
        raise MissingPage(slug)
    return page


def current_or_none(slug: str) -> PageVersion | None:
    try:
        return current_page(slug)
    except MissingPage:
        return None


def current_pages() -> dict[str, PageVersion]:
    """slug -> current version, for every page that has one (one query)."""
    newest = (select(PageVersion.slug, func.max(PageVersion.version).label("v"))
              .where(PageVersion.effective_at <= utcnow()).group_by(PageVersion.slug).subquery())
    rows = db.session.scalars(select(PageVersion).join(
        newest, (PageVersion.slug == newest.c.slug) & (PageVersion.version == newest.c.v)))
    return {row.slug: row for row in rows}


def new_page_version(slug: str, title: str, body: str, summary: str = "", actor_id: int | None = None) -> PageVersion:
    """Add a version in the caller's transaction (flushed, not committed)."""
    if slug not in PAGE_SLUGS:
        raise PageError("Unknown page.")
    title, body, summary = (title or "").strip(), (body or "").strip(), " ".join((summary or "").split())
    if not title:
        raise PageError("A page needs a title.")
    if not body:
        raise PageError("A page needs its text.")
    if len(title) > 200 or len(summary) > 300:
        raise PageError("The title or summary is too long.")
    latest = db.session.scalar(select(func.max(PageVersion.version)).where(PageVersion.slug == slug)) or 0
    page = PageVersion(slug=slug, version=latest + 1, title=title, summary=summary, body=body,
                       effective_at=utcnow(), created_by_id=actor_id)
    db.session.add(page)
    db.session.flush()
    return page


def page_history(slug: str) -> list[PageVersion]:
    return list(db.session.scalars(select(PageVersion).where(PageVersion.slug == slug)
                                   .order_by(PageVersion.version.desc())))


def submit_contact(*, name: str, email: str, topic: str, order_number: str, body: str, shop_address: str,
                   store_name: str) -> ContactMessage:
    """Store the message and queue an email to the shop (its outbox row in the same transaction; the caller
    commits). The shop replies from its own mail client, to the shopper's address in the email."""
    name, email = " ".join((name or "").split())[:120], (email or "").strip()[:254]
    body, order_number = (body or "").strip(), " ".join((order_number or "").split())[:40]
    topics = dict(CONTACT_TOPICS)
    if topic not in topics:
        raise PageError("Choose what your message is about.")
    if not name or not email or not body:
        raise PageError("Enter your name, your email and a message.")
    message = ContactMessage(name=name, email=email, topic=topic, order_number=order_number, body=body[:5000],
                             created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    outbox.enqueue_email(key=outbox.stable_key("contact", message.id), to=shop_address,
                         subject=f"[{store_name} contact] {topics[topic]} from {name}"[:300],
                         template="contact_message", message=message, topic_label=topics[topic])
    return message


def recent_messages(limit: int = 200) -> list[ContactMessage]:
    return list(db.session.scalars(select(ContactMessage).order_by(ContactMessage.id.desc()).limit(limit)))

"""Who may use which back-office URL: the one table, checked by the gate in ``store/admin/__init__.py``.

Three roles, most powerful first (``store.accounts.models.BACK_OFFICE_ROLES``):
  * owner    — everything, including refunds, paid-order cancellations, disclaimers, policy pages, discount
               codes and staff;
  * staff    — catalog, guides, stock, shipping and delivering orders, the outbox's resend;
  * readonly — every back-office page (GET), no writes.

Every endpoint of the ``admin`` blueprint has ONE entry in ``ENDPOINT_ROLES``:
  * ``page(role)``        a GET-only URL;
  * ``action(role, msg)`` a POST-only URL (``msg`` is what a refused user reads on the 403 page);
  * ``form(read, write, msg)`` a URL answering GET (``read``) and POST (``write``).
An endpoint missing from the table is refused to everyone but the owner (and tests/admin/test_roles.py fails
naming it), so a new route has to say who may use it. Templates ask ``admin_can(endpoint)`` to hide the
buttons a role cannot use; the gate is what enforces.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from store.accounts.models import ROLE_LABELS, Role
from store.extensions import db
from store.orders.models import Order

OWNER, STAFF, READONLY = Role.OWNER, Role.STAFF, Role.READONLY

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Need:
    read: Role            # the role a GET needs
    write: Role           # the role a POST (any other method) needs
    message: str = ""     # why a refused write is refused, in the shop's words
    # Some writes need the owner only for some objects (cancelling an order that has money on it):
    # escalate(view_args) -> a (role, message) that replaces ``write``, or None.
    escalate: Callable[[dict], tuple[Role, str] | None] | None = None


def page(role: Role) -> Need:
    return Need(read=role, write=OWNER)


def action(role: Role, message: str = "", escalate=None) -> Need:
    return Need(read=OWNER, write=role, message=message, escalate=escalate)


def form(read: Role, write: Role, message: str = "") -> Need:
    return Need(read=read, write=write, message=message)


def _paid_order_needs_owner(view_args: dict) -> tuple[Role, str] | None:
    """An order with money received (paid, even if later refunded) is cancelled only by the owner."""
    order = db.session.get(Order, view_args.get("order_id"))
    if order is not None and (order.paid_cents or order.paid_at is not None):
        return OWNER, "Cancelling a paid order needs the shop owner's account."
    return None


ENDPOINT_ROLES: dict[str, Need] = {
    # dashboard, audit
    "admin.dashboard": page(READONLY),
    "admin.audit_log": page(READONLY),
    # catalog
    "admin.products": page(READONLY),
    "admin.product_new": form(READONLY, STAFF, "Adding products needs a staff or owner account."),
    "admin.product_edit": form(READONLY, STAFF, "Editing products needs a staff or owner account."),
    "admin.product_delete": action(STAFF, "Deleting products needs a staff or owner account."),
    "admin.variant_add": action(STAFF, "Editing products needs a staff or owner account."),
    "admin.variant_update": action(STAFF, "Editing products needs a staff or owner account."),
    "admin.image_add": action(STAFF, "Editing pictures needs a staff or owner account."),
    "admin.image_move": action(STAFF, "Editing pictures needs a staff or owner account."),
    "admin.image_delete": action(STAFF, "Editing pictures needs a staff or owner account."),
    # stock
    "admin.variant_stock": form(READONLY, STAFF, "Changing stock needs a staff or owner account."),
    "admin.inventory_home": page(READONLY),
    "admin.variant_stock_csv": page(READONLY),
    "admin.receipts": page(READONLY),
    "admin.receipt_detail": page(READONLY),
    "admin.receipt_new": form(READONLY, STAFF, "Receiving stock needs a staff or owner account."),
    "admin.receipt_reverse": action(STAFF, "Reversing a receipt needs a staff or owner account."),
    "admin.stock_count": form(READONLY, STAFF, "Counting stock needs a staff or owner account."),
    "admin.categories": form(READONLY, STAFF, "Changing categories needs a staff or owner account."),
    "admin.category_edit": form(READONLY, STAFF, "Changing categories needs a staff or owner account."),
    "admin.category_delete": action(STAFF, "Deleting categories needs a staff or owner account."),
    "admin.category_picture": action(STAFF, "Changing category pictures needs a staff or owner account."),
    "admin.category_picture_delete": action(STAFF, "Changing category pictures needs a staff or owner account."),
    "admin.products_bulk": action(STAFF, "Bulk changes to products need a staff or owner account."),
    "admin.catalog_csv": page(READONLY),
    "admin.catalog_export": page(READONLY),
    "admin.catalog_import_preview": action(STAFF, "Importing the catalog needs a staff or owner account."),
    "admin.catalog_import_confirm": action(STAFF, "Importing the catalog needs a staff or owner account."),
    "admin.inventory_export": page(READONLY),
    "admin.inventory_import": action(STAFF, "Importing stock needs a staff or owner account."),
    # guides
    "admin.guides_list": page(READONLY),
    "admin.guide_new": page(READONLY),
    "admin.guide_edit": page(READONLY),
    "admin.guide_create": action(STAFF, "Writing guides needs a staff or owner account."),
    "admin.guide_update": action(STAFF, "Writing guides needs a staff or owner account."),
    "admin.guide_publish": action(STAFF, "Publishing guides needs a staff or owner account."),
    # orders
    "admin.orders": page(READONLY),
    "admin.order_detail": page(READONLY),
    "admin.order_ship": action(STAFF, "Shipping orders needs a staff or owner account."),
    "admin.order_deliver": action(STAFF, "Marking orders delivered needs a staff or owner account."),
    "admin.order_cancel": action(STAFF, "Cancelling orders needs a staff or owner account.",
                                 escalate=_paid_order_needs_owner),
    "admin.order_refund": action(OWNER, "Refunds need the shop owner's account."),
    "admin.order_restock": action(STAFF, "Putting returned items back in stock needs a staff or owner account."),
    # reviews (moderation: staff; reading: every role) and back-in-stock demand
    "admin.reviews_queue": page(READONLY),
    "admin.review_publish": action(STAFF, "Moderating reviews needs a staff or owner account."),
    "admin.review_reject": action(STAFF, "Moderating reviews needs a staff or owner account."),
    "admin.review_reply": action(STAFF, "Replying to reviews needs a staff or owner account."),
    "admin.review_dismiss_reports": action(STAFF, "Moderating reviews needs a staff or owner account."),
    "admin.stock_alert_demand": page(READONLY),
    # outbox
    "admin.outbox": page(READONLY),
    "admin.outbox_resend": action(STAFF, "Resending emails needs a staff or owner account."),
    "admin.order_resend_confirmation": action(STAFF, "Resending emails needs a staff or owner account."),
    # safety information
    "admin.disclaimers": page(READONLY),
    "admin.disclaimer_versions": page(READONLY),
    "admin.disclaimer_save": action(OWNER, "Disclaimers are changed only with the shop owner's account."),
    # policy and help pages (the shop's legal and service terms: the owner's words), contact messages
    "admin.pages_list": page(READONLY),
    "admin.page_edit": form(READONLY, OWNER, "Policy pages are changed only with the shop owner's account."),
    "admin.page_versions": page(READONLY),
    "admin.contact_messages": page(READONLY),
    # search synonyms (catalog wording: staff and owner)
    "admin.search_synonyms": page(READONLY),
    "admin.search_synonym_add": action(STAFF, "Changing search synonyms needs a staff or owner account."),
    "admin.search_synonym_update": action(STAFF, "Changing search synonyms needs a staff or owner account."),
    "admin.search_synonym_delete": action(STAFF, "Changing search synonyms needs a staff or owner account."),
    # compliance: the claims lexicon decides what every screen flags (the owner's), overrides are read-only
    # records, problem reports are handled (status) by staff
    "admin.claims_lexicon": form(READONLY, OWNER, "The claims lexicon is changed only with the shop owner's account."),
    "admin.claims_term_delete": action(OWNER, "The claims lexicon is changed only with the shop owner's account."),
    "admin.claims_screen": action(STAFF, "Checking copy needs a staff or owner account."),
    "admin.claims_overrides": page(READONLY),
    "admin.problem_reports": page(READONLY),
    "admin.problem_report_detail": form(READONLY, STAFF, "Handling problem reports needs a staff or owner account."),
    # pricing: discount codes, shipping rates and tax are money settings (the owner changes them)
    "admin.discounts": form(READONLY, OWNER, "Discount codes are changed only with the shop owner's account."),
    "admin.discount_edit": form(READONLY, OWNER, "Discount codes are changed only with the shop owner's account."),
    "admin.discount_toggle": action(OWNER, "Discount codes are changed only with the shop owner's account."),
    "admin.shipping": page(READONLY),
    "admin.shipping_method": action(OWNER, "Shipping rates are changed only with the shop owner's account."),
    "admin.shipping_zone_countries": action(OWNER, "Shipping zones are changed only with the shop owner's account."),
    "admin.tax_rates": form(READONLY, OWNER, "Tax rates are changed only with the shop owner's account."),
    "admin.tax_rate_update": action(OWNER, "Tax rates are changed only with the shop owner's account."),
    "admin.tax_rate_delete": action(OWNER, "Tax rates are changed only with the shop owner's account."),
    # staff management (the list shows who holds which keys: the owner's page)
    "admin.staff": page(OWNER),
    "admin.staff_add": action(OWNER, "Managing staff needs the shop owner's account."),
    "admin.staff_update": action(OWNER, "Managing staff needs the shop owner's account."),
}

UNDECLARED_MESSAGE = "This back-office page needs the shop owner's account."


def needed_role(endpoint: str | None, method: str, view_args: dict | None = None) -> tuple[Role, str]:
    """(the role this request needs, the message a refused user reads)."""
    need = ENDPOINT_ROLES.get(endpoint or "")
    if need is None:
        return OWNER, UNDECLARED_MESSAGE
    if method in READ_METHODS:
        return need.read, f"This page needs {_article(need.read)} account."
    role, message = need.write, need.message or f"This change needs {_article(need.write)} account."
    if need.escalate is not None and role != OWNER:
        escalated = need.escalate(view_args or {})
        if escalated is not None:
            role, message = escalated
    return role, message


def allows(user, endpoint: str, method: str = "POST", view_args: dict | None = None) -> bool:
    """May ``user`` (signed in, in the back office) use ``endpoint`` with ``method``?"""
    role, _ = needed_role(endpoint, method, view_args)
    return bool(getattr(user, "is_admin", False)) and user.has_admin_role(role)


def _article(role: Role) -> str:
    return {OWNER: "the shop owner's", STAFF: "a staff or owner", READONLY: "a back-office"}[role]


def role_label(role: str | None) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role or ""

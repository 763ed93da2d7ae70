"""Back office: one blueprint, one gate. Every admin page is behind ``_require_admin``.

One subpackage per domain (catalog, compliance, inventory, guides, orders, disclaimers, pages, audit, dashboard), each with its
views (routes on this blueprint), forms and services; ``forms.py`` here holds only the form bits they share.
"""
from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from store.accounts import sessions as account_sessions
from store.accounts import twofactor
from store.accounts.loader import current_session
from store.admin import roles

from store.catalog import availability
from store.errors import render_error

bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)


@bp.before_request
def _require_admin():
    """Anonymous -> sign in (and back here afterwards); signed-in non-admin -> 403. With ADMIN_REQUIRE_2FA an
    admin without two-factor goes to enrolment, and a session not signed in with a code signs in again.
    (An admin idle longer than ADMIN_IDLE_MINUTES is already signed out by the user loader.)"""
    back_here = request.full_path.rstrip("?")
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=back_here))
    if not current_user.is_admin:
        return render_error(403, "Not allowed", "This area is for store administrators.")
    if current_app.config.get("ADMIN_REQUIRE_2FA"):
        if not twofactor.is_enrolled(current_user.id):
            flash("The back office needs two-factor sign-in. Set it up here first.", "info")
            return redirect(url_for("accounts.two_factor"))
        record = current_session()
        if record is None or record.two_factor_at is None:
            if record is not None:
                account_sessions.revoke(record.id, reason="needs 2fa")
            logout_user()
            session.clear()
            flash("Please sign in again with your password and the code from your app.", "info")
            return redirect(url_for("accounts.login", next=back_here))
    needed, message = roles.needed_role(request.endpoint, request.method, request.view_args)
    if not current_user.has_admin_role(needed):  # each URL's role: the table in store/admin/roles.py
        return render_error(403, "Not allowed for your role", message)
    return None


@bp.context_processor
def _role_helpers() -> dict:
    """``admin_can("admin.order_refund", order_id=...)``: hide what the signed-in role may not use."""
    def admin_can(endpoint: str, method: str = "POST", **view_args) -> bool:
        return roles.allows(current_user, endpoint, method, view_args)
    return {"admin_can": admin_can, "admin_role_label": roles.role_label}


@bp.context_processor
def _stock_helpers() -> dict:
    """The availability policy's low-stock rule for the back office's stock views (the shop's template globals
    look at what a shopper can buy; the back office looks at stock whatever the product's status)."""
    return {"low_stock_threshold": availability.low_stock_threshold,
            "default_low_stock_threshold": availability.default_low_stock_threshold,
            "needs_restock": availability.needs_restock}


@bp.after_request
def _no_store(response):
    # Back-office pages hold private data: never cache them in shared or browser caches.
    response.headers["Cache-Control"] = "no-store"
    return response


# The domains attach their routes (and the inventory CLI command) to ``bp``: imported after it exists.
from store.admin.audit import views as audit_views  # noqa: E402,F401
from store.admin.catalog import views as catalog_views  # noqa: E402,F401
from store.admin.compliance import views as compliance_views  # noqa: E402,F401
from store.admin.dashboard import views as dashboard_views  # noqa: E402,F401
from store.admin.disclaimers import views as disclaimer_views  # noqa: E402,F401
from store.admin.guides import views as guide_views  # noqa: E402,F401
from store.admin.inventory import cli as inventory_cli  # noqa: E402,F401
from store.admin.inventory import views as inventory_views  # noqa: E402,F401
from store.admin.orders import views as order_views  # noqa: E402,F401
from store.admin.pages import views as page_views  # noqa: E402,F401
from store.admin.search import views as search_views  # noqa: E402,F401
from store.admin.reviews import views as review_views  # noqa: E402,F401
from store.admin.pricing import views as pricing_views  # noqa: E402,F401
from store.admin.outbox import views as outbox_views  # noqa: E402,F401
from store.admin.catalog import category_views  # noqa: E402,F401
from store.admin.catalog import cli as catalog_cli  # noqa: E402,F401
from store.admin.staff import views as staff_views  # noqa: E402,F401

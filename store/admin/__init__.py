"""Back office: one blueprint, one gate. Every admin page is behind ``_require_admin``."""
from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from store.errors import render_error

bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)


@bp.before_request
def _require_admin():
    """Anonymous -> sign in (and back here afterwards); signed-in non-admin -> 403."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if not current_user.is_admin:
        return render_error(403, "Not allowed", "This area is for store administrators.")
    return None


@bp.after_request
def _no_store(response):
    # Back-office pages hold private data: never cache them in shared or browser caches.
    response.headers["Cache-Control"] = "no-store"
    return response


from store.admin import (  # noqa: E402,F401
    cli, views, views_catalog, views_guides, views_inventory, views_orders,
)
from store.admin.outbox import views as outbox_views  # noqa: E402,F401

"""Back office: /admin/outbox (queued, sent, failed; resend) and "resend confirmation" on an order."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from store import util
from store.admin import bp
from store.admin.outbox import services
from store.extensions import db
from store.forms import StoreForm
from store.outbox import OutboxError
from store.util import utcnow


class ActionForm(StoreForm):
    """No fields: the CSRF token only."""


@bp.get("/outbox")
def outbox():
    f = services.parse_filter(request.args)
    pagination = db.paginate(services.list_statement(f), page=f.page, per_page=50, error_out=False)
    util.require_page_in_range(pagination)
    return render_template("admin/outbox.html", pagination=pagination, f=f, counts=services.status_counts(),
                           form=ActionForm(formdata=None), can_resend=services.can_resend, now=utcnow())


@bp.post("/outbox/<int:message_id>/resend")
def outbox_resend(message_id: int):
    if not ActionForm().validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return redirect(url_for("admin.outbox"))
    try:
        row, action = services.resend(message_id, actor_id=current_user.id)
    except OutboxError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Message to {row.recipient} queued again." if action == "requeued"
              else f"A copy of the message to {row.recipient} is queued.", "success")
    return redirect(url_for("admin.outbox", status=request.args.get("status") or None))


@bp.post("/orders/<int:order_id>/resend-confirmation")
def order_resend_confirmation(order_id: int):
    if not ActionForm().validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return redirect(url_for("admin.order_detail", order_id=order_id))
    try:
        message = services.resend_confirmation(order_id, actor_id=current_user.id)
    except OutboxError as exc:
        flash(str(exc), "error")
    else:
        flash(message, "success")
    return redirect(url_for("admin.order_detail", order_id=order_id))

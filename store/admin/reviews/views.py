"""Back office: /admin/reviews (the moderation queue) and /admin/stock-alerts (demand per sold-out option)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from store.admin import bp
from store.admin.reviews import services
from store.extensions import db
from store.forms import StoreForm
from store.reviews import services as reviews


class ModerationForm(StoreForm):
    note = StringField("Note (kept in the audit log)", validators=[Optional(), Length(max=500)])


class RejectForm(ModerationForm):
    reason = SelectField("Why is it taken down?", choices=[SelectChoice("", "Choose a reason")] + [
        SelectChoice(key, label) for key, label in reviews.REJECT_REASONS.items()], validators=[DataRequired()])


class ReplyForm(StoreForm):
    reply = TextAreaField("The store's reply (shown under the review; empty removes it)",
                          validators=[Optional(), Length(max=3000)])


def _back():
    return redirect(url_for("admin.reviews_queue", tab=request.args.get("tab") or None), 303)


@bp.get("/reviews")
def reviews_queue():
    f = services.parse_filter(request.args)
    pagination = db.paginate(services.queue_statement(f), page=f.page, per_page=25, error_out=False)
    return render_template("admin/reviews.html", pagination=pagination, f=f, tabs=services.TABS,
                           counts=services.tab_counts(), form=ModerationForm(formdata=None),
                           reject_form=RejectForm(formdata=None), reply_form=ReplyForm(formdata=None),
                           held_phrases=reviews.held_phrases)


def _run(action, success: str):
    try:
        action()
    except reviews.ReviewError as exc:
        flash(str(exc), "error")
    else:
        flash(success, "success")
    return _back()


@bp.post("/reviews/<int:review_id>/publish")
def review_publish(review_id: int):
    form = ModerationForm()
    if not form.validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return _back()
    return _run(lambda: services.publish(review_id, actor_id=current_user.id, note=form.note.data or ""),
                "Review published.")


@bp.post("/reviews/<int:review_id>/reject")
def review_reject(review_id: int):
    form = RejectForm()
    if not form.validate_on_submit():
        flash("Choose why the review is taken down." if form.reason.errors else
              "The form had expired; please try again.", "error")
        return _back()
    return _run(lambda: services.reject(review_id, form.reason.data, actor_id=current_user.id,
                                        note=form.note.data or ""), "Review taken down.")


@bp.post("/reviews/<int:review_id>/reply")
def review_reply(review_id: int):
    form = ReplyForm()
    if not form.validate_on_submit():
        flash("A reply can be at most 3000 characters." if form.reply.errors else
              "The form had expired; please try again.", "error")
        return _back()
    return _run(lambda: services.reply(review_id, form.reply.data or "", actor_id=current_user.id),
                "Reply saved." if (form.reply.data or "").strip() else "Reply removed.")


@bp.post("/reviews/<int:review_id>/dismiss-reports")
def review_dismiss_reports(review_id: int):
    if not ModerationForm().validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return _back()
    return _run(lambda: services.dismiss_reports(review_id, actor_id=current_user.id),
                "Reports dismissed; the review stays as it is.")


@bp.get("/stock-alerts")
def stock_alert_demand():
    return render_template("admin/stock_alerts.html", rows=services.demand_per_option())

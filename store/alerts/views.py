"""Subscribe to a sold-out option (one click when signed in) and unsubscribe from the email's link."""
from __future__ import annotations

from flask import Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.alerts import bp, services
from store.catalog.views import add_product_page_extension
from store.extensions import limiter
from store.forms import StoreForm
from store.util import int_in_range


class AlertForm(StoreForm):
    """The email comes from the form for a guest, from the account when signed in."""


def register(app: Flask) -> None:
    """The alert box on product pages (catalog/_stock_alert.html reads ``alert_form`` and ``alert_waiting``)."""
    add_product_page_extension(app, _product_page)


def _product_page(product, variants, selected, args) -> dict:
    sold_out = [v.id for v in variants if v.available <= 0]
    user_id = current_user.id if current_user.is_authenticated else None
    return {"alert_form": AlertForm(formdata=None),
            "alert_waiting": services.waiting_variant_ids(user_id, sold_out) if sold_out else set()}


@bp.post("/alerts/subscribe")
@limiter.limit(lambda: current_app.config.get("STOCK_ALERT_RATE_LIMIT", "20 per hour"),
               error_message="Too many attempts in a short time. Please wait a while and try again.")
def subscribe():
    variant_id = int_in_range(request.form.get("variant_id"))
    back = request.form.get("slug") or ""
    target = url_for("catalog.product_detail", slug=back) if back and len(back) < 200 else url_for(
        "catalog.product_list")
    if variant_id is None:
        abort(400, description="Choose the option you would like to hear about.")
    if not AlertForm().validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return redirect(target)
    if current_user.is_authenticated:
        email, user_id = current_user.email, current_user.id
    else:
        email, user_id = request.form.get("email", ""), None
    try:
        alert, created = services.subscribe(variant_id, email, user_id=user_id)
    except services.AlertError as exc:
        flash(str(exc), "error")
        return redirect(target, 303)
    flash(f"We will email {alert.email} once when it is back in stock." if created
          else f"You are already on the list: we will email {alert.email} once when it is back.", "success")
    return redirect(target + f"?variant={alert.variant.sku}#stock-alert")


@bp.route("/alerts/stop/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET shows a confirm button (mail scanners follow links); POST stops the alert."""
    form = AlertForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("The form had expired; please try again.", "error")
            return redirect(url_for("alerts.unsubscribe", token=token))
        alert, stopped = services.unsubscribe(token)
        if alert is None:
            abort(404, description="That link is not one of ours, or it was mistyped.")
        return render_template("alerts/unsubscribed.html", alert=alert, done=True, stopped=stopped)
    alert = services.find_by_token(token)
    if alert is None:
        abort(404, description="That link is not one of ours, or it was mistyped.")
    return render_template("alerts/unsubscribed.html", alert=alert, form=form, done=False,
                           waiting=services.waiting_count(alert.email))

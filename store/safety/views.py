"""The problem-report form (linked from every product page's safety block and from order pages)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.extensions import limiter
from store.safety import bp
from store.safety import reports
from store.safety.forms import ProblemReportForm


@bp.route("/report-a-problem", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("PROBLEM_REPORT_RATE_LIMIT", "5 per hour"), methods=["POST"],
               error_message="Too many reports in a short time. Please wait a while, or email us directly.")
def report_problem():
    form = ProblemReportForm()
    form.set_products(reports.reportable_products())
    if request.method == "GET":
        product = reports.product_by_slug(request.args.get("product"))
        form.product_id.data = product.id if product else 0
        form.order_number.data = (request.args.get("order") or "")[:40]
        if current_user.is_authenticated:
            form.contact_email.data = current_user.email
            form.contact_name.data = getattr(current_user, "name", "") or ""
    elif form.validate_on_submit():
        try:
            report = reports.submit_report(reports.ReportData(
                what_happened=form.what_happened.data, contact_email=form.contact_email.data,
                product_id=form.product_id.data or None, order_number=form.order_number.data or "",
                batch_lot=form.batch_lot.data or "", contact_name=form.contact_name.data or "",
                contact_phone=form.contact_phone.data or ""),
                user_id=current_user.id if current_user.is_authenticated else None)
        except reports.ReportInvalid as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Thank you. Your report {report.reference} is with our team; a confirmation is on its way to "
                  f"{report.contact_email}.", "success")
            return redirect(url_for("safety.report_problem"), code=303)
    status = 200 if request.method == "GET" or not (form.errors or form.form_errors) else 400
    return render_template("safety/report_problem.html", form=form), status

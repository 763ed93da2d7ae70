"""Back office: the claims lexicon, overrides, a try-it screen, problem reports."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.admin import bp
from store.admin.compliance import services as service
from store.admin.compliance.forms import DeleteTermForm, ReportStatusForm, ScreenForm, TermForm
from store.safety import reports, screening


def _lexicon_page(form=None, screen_form=None, findings=None, status=200):
    return render_template("admin/compliance/lexicon.html", form=form or TermForm(formdata=None),
                           screen_form=screen_form or ScreenForm(formdata=None), findings=findings,
                           terms=service.terms(), delete_form=DeleteTermForm(formdata=None)), status


@bp.route("/compliance/lexicon", methods=["GET", "POST"])
def claims_lexicon():
    if request.method == "GET":
        return _lexicon_page()
    form = TermForm()
    if form.validate_on_submit():
        try:
            row = service.add_term(form.kind.data, form.term.data, form.note.data or "", actor_id=current_user.id)
        except screening.TermInvalid as exc:
            form.term.errors = list(form.term.errors) + [str(exc)]
        else:
            flash(f"“{row.term}” added: every screen now flags it.", "success")
            return redirect(url_for("admin.claims_lexicon"))
    return _lexicon_page(form=form, status=400)


@bp.post("/compliance/lexicon/<int:term_id>/delete")
def claims_term_delete(term_id: int):
    form = DeleteTermForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.delete_term(term_id, actor_id=current_user.id)
    except screening.TermInvalid as exc:
        flash(str(exc), "error")
    else:
        flash("Term removed from the lexicon.", "success")
    return redirect(url_for("admin.claims_lexicon"))


@bp.post("/compliance/screen")
def claims_screen():
    form = ScreenForm()
    if not form.validate_on_submit():
        return _lexicon_page(screen_form=form, status=400)
    return _lexicon_page(screen_form=form, findings=screening.screen(form.text.data, form.context.data))


@bp.get("/compliance/overrides")
def claims_overrides():
    return render_template("admin/compliance/overrides.html", overrides=service.overrides())


@bp.get("/compliance/reports")
def problem_reports():
    status = request.args.get("status") or ""
    return render_template("admin/compliance/reports.html", reports=reports.report_list(status), status=status)


@bp.route("/compliance/reports/<int:report_id>", methods=["GET", "POST"])
def problem_report_detail(report_id: int):
    report = service.report(report_id)
    if report is None:
        abort(404)
    if request.method == "GET":
        form = ReportStatusForm(formdata=None, data={"status": report.status})
    else:
        form = ReportStatusForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                service.set_report_status(report.id, form.status.data, actor_id=current_user.id)
            except reports.ReportInvalid as exc:
                form.status.errors = list(form.status.errors) + [str(exc)]
            else:
                flash("Status saved.", "success")
                return redirect(url_for("admin.problem_report_detail", report_id=report.id))
        return render_template("admin/compliance/report_detail.html", report=report, form=form), 400
    return render_template("admin/compliance/report_detail.html", report=report, form=form)

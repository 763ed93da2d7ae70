"""Back office: disclaimers (each save a new version) and their history."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from store.admin import bp
from store.admin.disclaimers import services as disclaimer_service
from store.admin.disclaimers.forms import DisclaimerForm
from store.safety.models import DisclaimerKind
from store.safety.services import disclaimer_history

DISCLAIMER_NAMES = {DisclaimerKind.PRODUCT: "Product safety disclaimer", DisclaimerKind.GUIDE: "Guide disclaimer"}


def _disclaimer_forms(posted: DisclaimerKind | None = None, posted_form=None) -> dict:
    forms = {}
    for kind in DisclaimerKind:
        current = disclaimer_service.current_or_none(kind)
        if kind == posted:
            forms[kind] = (posted_form, current)
        else:
            forms[kind] = (DisclaimerForm(prefix=kind.value, formdata=None, data={
                "kind": kind.value, "title": current.title if current else "",
                "body": current.body if current else ""}), current)
    return forms


@bp.get("/disclaimers")
def disclaimers():
    return render_template("admin/disclaimers.html", forms=_disclaimer_forms(), names=DISCLAIMER_NAMES)


@bp.post("/disclaimers/<kind>")
def disclaimer_save(kind: str):
    if kind not in {k.value for k in DisclaimerKind}:
        abort(404)
    kind = DisclaimerKind(kind)
    form = DisclaimerForm(prefix=kind.value)
    if form.validate_on_submit() and form.kind.data == kind.value:
        try:
            d = disclaimer_service.save_disclaimer(kind, form.title.data, form.body.data, actor_id=current_user.id)
        except ValueError as exc:
            form.body.errors.append(str(exc))
        else:
            flash(f"{DISCLAIMER_NAMES[kind]} saved as version {d.version}.", "success")
            return redirect(url_for("admin.disclaimers"))
    return render_template("admin/disclaimers.html", forms=_disclaimer_forms(kind, form),
                           names=DISCLAIMER_NAMES), 400


@bp.get("/disclaimers/<kind>")
def disclaimer_versions(kind: str):
    if kind not in {k.value for k in DisclaimerKind}:
        abort(404)
    kind = DisclaimerKind(kind)
    return render_template("admin/disclaimer_history.html", kind=kind, name=DISCLAIMER_NAMES[kind],
                           versions=disclaimer_history(kind))

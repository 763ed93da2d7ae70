"""Back office: /admin/staff, who may use the back office (owner only; see store/admin/roles.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from store.admin import bp
from store.admin.staff import services
from store.admin.staff.forms import AddStaffForm, ChangeRoleForm
from store.extensions import db
from store.accounts.models import User


def _page(add_form=None, status=200):
    users = services.back_office_users()
    forms = {u.id: ChangeRoleForm(formdata=None, role=u.role, prefix=f"u{u.id}") for u in users}
    return render_template("admin/staff.html", users=users, forms=forms,
                           add_form=add_form or AddStaffForm(formdata=None)), status


@bp.get("/staff")
def staff():
    return _page()


@bp.post("/staff")
def staff_add():
    form = AddStaffForm()
    if not form.validate_on_submit():
        return _page(add_form=form, status=400)
    try:
        user = services.add(form.email.data, form.role.data, actor_id=current_user.id)
    except services.StaffError as exc:
        form.email.errors.append(str(exc))
        return _page(add_form=form, status=400)
    flash(f"{user.email} can now use the back office ({user.role}).", "success")
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<int:user_id>")
def staff_update(user_id: int):
    if db.session.get(User, user_id) is None:
        abort(404)
    form = ChangeRoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        flash("Choose one of the roles offered (the form may have expired); nothing was changed.", "error")
        return _page(status=400)
    try:
        user = services.set_role(user_id, form.role.data, actor_id=current_user.id)
    except services.StaffError as exc:
        flash(f"{exc} Nothing was changed.", "error")
        return _page(status=409)
    flash(f"{user.email} no longer uses the back office." if user.role == "customer"
          else f"{user.email} is now {user.role}.", "success")
    return redirect(url_for("admin.staff"))

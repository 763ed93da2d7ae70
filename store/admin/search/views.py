"""Back office: /admin/search/synonyms, the synonym groups search uses (staff and owner edit; see roles.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from store.admin import bp
from store.admin.search import services
from store.admin.search.forms import DeleteForm, SynonymForm
from store.extensions import db
from store.search.models import SearchSynonym


def _page(add_form=None, edit_forms=None, status=200):
    groups = services.groups()
    forms = {g.id: SynonymForm(formdata=None, terms=g.terms, prefix=f"s{g.id}") for g in groups}
    forms.update(edit_forms or {})
    return render_template("admin/search_synonyms.html", groups=groups, forms=forms,
                           add_form=add_form or SynonymForm(formdata=None, prefix="new"),
                           delete_form=DeleteForm(formdata=None)), status


@bp.get("/search/synonyms")
def search_synonyms():
    return _page()


@bp.post("/search/synonyms")
def search_synonym_add():
    form = SynonymForm(prefix="new")
    if not form.validate_on_submit():
        return _page(add_form=form, status=400)
    try:
        group = services.add(form.terms.data, actor_id=current_user.id)
    except services.SynonymError as exc:
        form.terms.errors.append(str(exc))
        return _page(add_form=form, status=400)
    flash(f"Search now treats these as the same: {group.terms}.", "success")
    return redirect(url_for("admin.search_synonyms"))


@bp.post("/search/synonyms/<int:synonym_id>")
def search_synonym_update(synonym_id: int):
    if db.session.get(SearchSynonym, synonym_id) is None:
        abort(404)
    form = SynonymForm(prefix=f"s{synonym_id}")
    if not form.validate_on_submit():
        return _page(edit_forms={synonym_id: form}, status=400)
    try:
        group = services.update(synonym_id, form.terms.data, actor_id=current_user.id)
    except services.SynonymError as exc:
        form.terms.errors.append(str(exc))
        return _page(edit_forms={synonym_id: form}, status=400)
    flash(f"Saved: {group.terms}.", "success")
    return redirect(url_for("admin.search_synonyms"))


@bp.post("/search/synonyms/<int:synonym_id>/delete")
def search_synonym_delete(synonym_id: int):
    if db.session.get(SearchSynonym, synonym_id) is None:
        abort(404)
    if not DeleteForm().validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return redirect(url_for("admin.search_synonyms"))
    try:
        terms = services.delete(synonym_id, actor_id=current_user.id)
    except services.SynonymError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.search_synonyms"))
    flash(f"Removed the synonyms {terms}.", "success")
    return redirect(url_for("admin.search_synonyms"))

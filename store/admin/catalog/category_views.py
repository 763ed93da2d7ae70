"""Back office: categories and bulk product actions (routes on the admin blueprint)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.admin import bp
from store.admin.downloads import csv_download
from store.admin.catalog import categories as service
from store.admin.catalog import transfer
from store.admin.catalog.forms import (BulkForm, CatalogConfirmForm, CatalogUploadForm, CategoryForm, DeleteForm,
                                      ImageForm)
from store.admin.catalog.images import ImageRejected
from store.admin.catalog.services import all_categories
from store.catalog.models import Category
from store.extensions import db
from store.util import int_in_range


def _data(form) -> service.CategoryData:
    return service.CategoryData(name=form.name.data or "", slug=form.slug.data or "",
                                description=form.description.data or "", position=form.position.data or 0,
                                hidden=bool(form.hidden.data))


@bp.route("/categories", methods=["GET", "POST"])
def categories():
    form = CategoryForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                category = service.create_category(_data(form), actor_id=current_user.id)
            except service.CategoryError as exc:
                form.form_errors.append(str(exc))
            else:
                flash(f"Category “{category.name}” created.", "success")
                return redirect(url_for("admin.categories"))
        status = 400
    return render_template("admin/categories.html", form=form, rows=service.category_list(),
                           delete_form=DeleteForm(formdata=None)), status


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def category_edit(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category if request.method == "GET" else None)
    if request.method == "GET":
        form.slug.data = category.slug
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                service.update_category(category.id, _data(form), actor_id=current_user.id)
            except service.CategoryError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                flash("Category saved.", "success")
                return redirect(url_for("admin.category_edit", category_id=category_id))
        status = 400
        category = db.get_or_404(Category, category_id)
    return _edit_page(category, form, status=status)


def _edit_page(category: Category, form: CategoryForm, *, status: int = 200, picture_form: ImageForm | None = None):
    return render_template("admin/category_edit.html", form=form, category=category,
                           picture_form=picture_form or ImageForm(formdata=None),
                           delete_form=DeleteForm(formdata=None)), status


def _category_form(category: Category) -> CategoryForm:
    form = CategoryForm(formdata=None, obj=category)
    form.slug.data = category.slug
    return form


@bp.post("/categories/<int:category_id>/picture")
def category_picture(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = ImageForm()
    if form.validate_on_submit():
        upload = form.image.data
        try:
            service.set_category_picture(category.id, filename=upload.filename or "", mimetype=upload.mimetype or "",
                                         data=upload.read(), alt_text=form.alt_text.data,
                                         max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"),
                                         actor_id=current_user.id)
        except (ImageRejected, service.CategoryError) as exc:
            db.session.rollback()
            form.image.errors = list(form.image.errors) + [str(exc)]
        else:
            flash("Category picture saved.", "success")
            return redirect(url_for("admin.category_edit", category_id=category_id) + "#picture")
    category = db.get_or_404(Category, category_id)
    return _edit_page(category, _category_form(category), status=400, picture_form=form)


@bp.post("/categories/<int:category_id>/picture/delete")
def category_picture_delete(category_id: int):
    db.get_or_404(Category, category_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    service.remove_category_picture(category_id, actor_id=current_user.id)
    flash("Category picture removed.", "success")
    return redirect(url_for("admin.category_edit", category_id=category_id) + "#picture")


@bp.post("/categories/<int:category_id>/delete")
def category_delete(category_id: int):
    db.get_or_404(Category, category_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        name = service.delete_category(category_id, actor_id=current_user.id)
    except service.CategoryError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.category_edit", category_id=category_id))
    flash(f"Category “{name}” deleted.", "success")
    return redirect(url_for("admin.categories"))


@bp.post("/products/bulk")
def products_bulk():
    form = BulkForm()
    form.set_categories(all_categories())
    back = url_for("admin.products")
    if not form.validate_on_submit():
        flash("Choose an action (and a category for a move).", "error")
        return redirect(back)
    ids = [i for i in (int_in_range(v) for v in request.form.getlist("product_id")[:500]) if i]
    try:
        result = service.bulk_update(ids, form.action.data, category_id=form.category_id.data or None,
                                     actor_id=current_user.id)
    except service.CategoryError as exc:
        flash(str(exc), "error")
        return redirect(back)
    if result.done:
        flash(f"{service.BULK_ACTIONS[form.action.data]}: done for {len(result.done)} product"
              f"{'s' if len(result.done) != 1 else ''} ({', '.join(result.done)}).", "success")
    for name, why in result.refused:
        flash(f"Not changed: {name}: {why}", "error")
    return redirect(back)


# ------------------------------------------------------------------ full catalog CSV

def _csv_page(upload_form=None, errors=None, plan=None, confirm_form=None, status=200):
    return render_template("admin/catalog_csv.html", upload_form=upload_form or CatalogUploadForm(formdata=None),
                           errors=errors, plan=plan, confirm_form=confirm_form, columns=transfer.COLUMNS), status


@bp.get("/catalog/csv")
def catalog_csv():
    return _csv_page()


@bp.get("/catalog/export.csv")
def catalog_export():
    return csv_download("catalog", transfer.export_csv())


@bp.post("/catalog/import")
def catalog_import_preview():
    form = CatalogUploadForm()
    if not form.validate_on_submit():
        return _csv_page(upload_form=form, status=400)
    raw = form.file.data.read()
    try:
        text = raw.decode("utf-8-sig")
        plan = transfer.plan(text)
    except UnicodeDecodeError:
        return _csv_page(upload_form=form, errors=["The file is not UTF-8 text (save it as CSV UTF-8)."], status=400)
    except transfer.CatalogImportRejected as exc:
        return _csv_page(upload_form=form, errors=exc.errors, status=400)
    confirm = CatalogConfirmForm(formdata=None, data={"content": text})
    return _csv_page(upload_form=form, plan=plan, confirm_form=confirm)


@bp.post("/catalog/import/confirm")
def catalog_import_confirm():
    form = CatalogConfirmForm()
    if not form.validate_on_submit():
        return _csv_page(errors=[e for errs in form.errors.values() for e in errs], status=400)
    try:
        plan = transfer.apply(form.content.data, actor_id=current_user.id, source="CSV catalog import")
    except transfer.CatalogImportRejected as exc:
        return _csv_page(errors=exc.errors, status=400)
    flash(f"Imported {plan.rows} rows: {plan.created} products created, {plan.updated} changed.", "success")
    return redirect(url_for("admin.catalog_csv"))

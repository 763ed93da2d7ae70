"""Back office: products, variants, images."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from store import util
from store.admin import bp
from store.admin.catalog import services as service
from store.admin.catalog.forms import BulkForm, ImageForm, NewProductForm, ProductForm, VariantForm
from store.admin.catalog.images import ImageRejected
from store.catalog import services as catalog
from store.catalog.services import CatalogError, IngredientsInvalid, MissingWarnings, NotPublishable
from store.safety import screening
from store.errors import render_error
from store.extensions import db
from store.markup import render_markdown
from store.money import cents_to_decimal_string
from store.util import int_in_range, page_number


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_error(413, "Upload too large",
                        f"That file is larger than the {max(limit // (1024 * 1024), 1)} MB we accept. "
                        "Nothing was saved: go back and choose a smaller file.")


def _product_filter(args, categories) -> service.ProductFilter:
    page = page_number(args.get("page"))
    category_id = int_in_range(args.get("category"))
    return service.ProductFilter(q=(args.get("q") or "").strip()[:100], category_id=category_id,
                                 status=args.get("status") or "", low_stock=args.get("low_stock") == "1",
                                 page=page)


@bp.get("/products")
def products():
    categories = service.all_categories()
    f = _product_filter(request.args, categories)
    pagination = db.paginate(service.product_list_statement(f), page=f.page, per_page=25, error_out=False)
    util.require_page_in_range(pagination)
    bulk_form = BulkForm(formdata=None)
    bulk_form.set_categories(categories)
    return render_template("admin/products.html", pagination=pagination, f=f, categories=categories,
                           bulk_form=bulk_form)


def _product_data(form) -> service.ProductData:
    return service.ProductData(name=form.name.data or "", slug=form.slug.data or "", kind=form.kind.data,
                               category_id=form.category_id.data or None, summary=form.summary.data or "",
                               description_md=form.description_md.data or "", warnings=form.warnings.data or "",
                               featured=form.featured.data, status=form.status.data,
                               ingredients=form.ingredients.data if "ingredients" in request.form else None)


def _override(form) -> screening.Override | None:
    if not form.claims_override.data:
        return None
    return screening.Override(reason=(form.claims_reason.data or "").strip(),
                              evidence=(form.claims_evidence.data or "").strip())


SAVE_ERRORS = (CatalogError, service.AdminCatalogError, screening.ClaimsNeedOverride, screening.OverrideInvalid)


def _apply_error(form, exc) -> None:
    """Show a domain error on the field it is about."""
    if isinstance(exc, MissingWarnings):
        form.warnings.errors = list(form.warnings.errors) + [str(exc)]
    elif isinstance(exc, NotPublishable):
        form.status.errors = list(form.status.errors) + [str(exc)]
    elif isinstance(exc, IngredientsInvalid):
        form.ingredients.errors = list(form.ingredients.errors) + [str(exc)]
    elif isinstance(exc, screening.ClaimsNeedOverride):
        form.claims_override.errors = list(form.claims_override.errors) + [str(exc)]
    elif isinstance(exc, screening.OverrideInvalid):
        form.claims_evidence.errors = list(form.claims_evidence.errors) + [str(exc)]
    elif isinstance(exc, service.DuplicateSku) and hasattr(form, "sku"):
        form.sku.errors = list(form.sku.errors) + [str(exc)]
    else:
        form.form_errors.append(str(exc))


def _claims_flags(form) -> dict:
    """{field: findings} for the copy on the form (each finding names the phrase, the rule and why)."""
    return screening.screen_places({"name": form.name.data, "summary": form.summary.data,
                                    "description_md": form.description_md.data})


@bp.route("/products/new", methods=["GET", "POST"])
def product_new():
    form = NewProductForm()
    form.set_categories(service.all_categories())
    preview = None
    if request.method == "POST" and form.preview.data:
        preview = render_markdown(form.description_md.data)
    elif form.validate_on_submit():
        variant = service.VariantData(sku=form.sku.data.strip(), option_label=form.option_label.data or "Standard",
                                      price_cents=form.price_cents, opening_stock=form.opening_stock.data or 0)
        try:
            product = service.create_product(_product_data(form), variant, actor_id=current_user.id,
                                             claims_override=_override(form))
        except SAVE_ERRORS as exc:
            _apply_error(form, exc)
        else:
            flash(f"“{product.name}” created as {product.status}.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/product_new.html", form=form, preview=preview,
                           claims=_claims_flags(form) if request.method == "POST" else {}), status


def _load_or_404(product_id: int):
    product = service.get_product_for_edit(product_id)
    if product is None:
        abort(404)
    return product


def _edit_page(product, form, preview=None, status=200, variant_forms=None, new_variant_form=None,
               image_form=None, claims=None):
    if variant_forms is None:
        variant_forms = {}
    currency = current_app.config["STORE_CURRENCY"]
    for v in product.variants:
        variant_forms.setdefault(v.id, VariantForm(prefix=f"v{v.id}", formdata=None, data={
            "sku": v.sku, "option_label": v.option_label,
            "price": cents_to_decimal_string(v.price_cents, currency),
            "compare_at": ("" if v.compare_at_cents is None
                           else cents_to_decimal_string(v.compare_at_cents, currency)),
            "weight_grams": v.weight_grams, "low_stock_threshold": v.low_stock_threshold,
            "is_active": v.is_active}))
    return render_template(
        "admin/product_edit.html", product=product, form=form, preview=preview, variant_forms=variant_forms,
        new_variant_form=new_variant_form or VariantForm(prefix="new", formdata=None),
        image_form=image_form or ImageForm(formdata=None),
        referenced=service.is_referenced_by_orders(product.id),
        allergens=catalog.allergens_of(product),
        claims=claims if claims is not None else _claims_flags(form)), status


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
def product_edit(product_id: int):
    product = _load_or_404(product_id)
    form = ProductForm(obj=product if request.method == "GET" else None)
    form.set_categories(service.all_categories())
    if request.method == "GET":
        form.version.data = str(product.version)
        form.category_id.data = product.category_id or 0
        form.ingredients.data = catalog.format_ingredients(product)
        return _edit_page(product, form)
    if form.preview.data:
        return _edit_page(product, form, preview=render_markdown(form.description_md.data))
    if form.validate_on_submit():
        try:
            expected = int(form.version.data or "")
        except ValueError:
            expected = -1
        try:
            service.update_product(product.id, expected, _product_data(form), actor_id=current_user.id,
                                   claims_override=_override(form))
        except service.StaleEdit as exc:
            flash(str(exc), "error")
            db.session.expire_all()
            product = _load_or_404(product_id)
            form.form_errors.append(str(exc))
            return _edit_page(product, form, status=409)
        except SAVE_ERRORS as exc:
            _apply_error(form, exc)
        else:
            flash("Product saved.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id))
        product = _load_or_404(product_id)
    return _edit_page(product, form, status=400)


@bp.post("/products/<int:product_id>/delete")
def product_delete(product_id: int):
    product = _load_or_404(product_id)
    name = product.name
    try:
        outcome = service.delete_product(product.id, actor_id=current_user.id)
    except service.AdminCatalogError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.products"))
    if outcome == "archived":
        flash(f"“{name}” appears in past orders, so it was archived instead of deleted. "
              "It is hidden from the shop and order history keeps its details.", "warning")
        return redirect(url_for("admin.product_edit", product_id=product_id))
    flash(f"“{name}” deleted.", "success")
    return redirect(url_for("admin.products"))


def _variant_data(form) -> service.VariantData:
    return service.VariantData(
        sku=(form.sku.data or "").strip(), option_label=form.option_label.data or "Standard",
        price_cents=form.price_cents, compare_at_cents=getattr(form, "compare_at_cents", None),
        weight_grams=form.weight_grams.data or 0,
        low_stock_threshold=form.low_stock_threshold.data,  # blank: None, the store default
        is_active=form.is_active.data, opening_stock=form.opening_stock.data or 0)


def _product_form_for(product):
    form = ProductForm(obj=product, formdata=None)
    form.set_categories(service.all_categories())
    form.version.data = str(product.version)
    form.category_id.data = product.category_id or 0
    form.ingredients.data = catalog.format_ingredients(product)
    return form


@bp.post("/products/<int:product_id>/variants")
def variant_add(product_id: int):
    product = _load_or_404(product_id)
    form = VariantForm(prefix="new")
    if form.validate_on_submit():
        try:
            variant = service.add_variant(product.id, _variant_data(form), actor_id=current_user.id)
        except (CatalogError, service.AdminCatalogError, screening.ClaimsNeedOverride) as exc:
            form.sku.errors.append(str(exc))
        else:
            flash(f"Variant {variant.sku} added.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id) + "#variants")
        product = _load_or_404(product_id)
    return _edit_page(product, _product_form_for(product), status=400, new_variant_form=form)


@bp.post("/products/<int:product_id>/variants/<int:variant_id>")
def variant_update(product_id: int, variant_id: int):
    product = _load_or_404(product_id)
    if variant_id not in {v.id for v in product.variants}:
        abort(404)
    form = VariantForm(prefix=f"v{variant_id}")
    if form.validate_on_submit():
        try:
            service.update_variant(variant_id, _variant_data(form), actor_id=current_user.id)
        except (CatalogError, service.AdminCatalogError, screening.ClaimsNeedOverride) as exc:
            form.sku.errors.append(str(exc))
        else:
            flash("Variant saved.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id) + "#variants")
        product = _load_or_404(product_id)
    return _edit_page(product, _product_form_for(product), status=400, variant_forms={variant_id: form})


@bp.post("/products/<int:product_id>/images")
def image_add(product_id: int):
    product = _load_or_404(product_id)
    form = ImageForm()
    if form.validate_on_submit():
        upload = form.image.data
        try:
            service.add_image(product.id, filename=upload.filename or "", mimetype=upload.mimetype or "",
                              data=upload.read(), alt_text=form.alt_text.data,
                              max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"), actor_id=current_user.id)
        except (ImageRejected, service.AdminCatalogError) as exc:
            form.image.errors = list(form.image.errors) + [str(exc)]
        else:
            flash("Picture added.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id) + "#images")
        product = _load_or_404(product_id)
    return _edit_page(product, _product_form_for(product), status=400, image_form=form)


@bp.post("/products/<int:product_id>/images/<int:image_id>/move")
def image_move(product_id: int, image_id: int):
    _load_or_404(product_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    try:
        service.move_image(product_id, image_id, direction, actor_id=current_user.id)
    except service.AdminCatalogError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.product_edit", product_id=product_id) + "#images")


@bp.post("/products/<int:product_id>/images/<int:image_id>/delete")
def image_delete(product_id: int, image_id: int):
    _load_or_404(product_id)
    try:
        service.delete_image(product_id, image_id, actor_id=current_user.id)
    except service.AdminCatalogError as exc:
        flash(str(exc), "error")
    else:
        flash("Picture removed.", "success")
    return redirect(url_for("admin.product_edit", product_id=product_id) + "#images")

"""Back office: /admin/discounts, /admin/shipping, /admin/tax (changes need the owner; see admin/roles.py)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.admin import bp
from store.admin.pricing import services
from store.admin.pricing.forms import DiscountForm, MethodForm, TaxRateForm, ToggleForm
from store.extensions import db
from store.money import MoneyError, cents_to_decimal_string, parse_money
from store.pricing import services as pricing
from store.pricing.models import DiscountCode, ShippingMethod, ShippingZone, TaxRate


def _currency() -> str:
    return current_app.config["STORE_CURRENCY"]


def _code_data(form: DiscountForm) -> services.CodeData:
    return services.CodeData(
        code=form.code.data or "", description=form.description.data or "", kind=form.kind.data,
        value=getattr(form.value, "parsed", 0), minimum_subtotal_cents=getattr(form.minimum, "parsed", 0),
        include_sale_items=bool(form.include_sale_items.data), starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, usage_limit=form.usage_limit.data, per_customer_limit=form.per_customer_limit.data,
        active=bool(form.active.data))


def _form_for(code: DiscountCode) -> DiscountForm:
    form = DiscountForm(formdata=None, obj=code)
    currency = _currency()
    form.value.data = (str(code.value) if code.kind == "percent" else
                       cents_to_decimal_string(code.value, currency) if code.kind == "fixed" else "")
    form.minimum.data = cents_to_decimal_string(code.minimum_subtotal_cents, currency) if code.minimum_subtotal_cents \
        else ""
    form.starts_on.data = code.starts_at.date() if code.starts_at else None
    form.ends_on.data = (code.ends_at.date().fromordinal(code.ends_at.date().toordinal() - 1)
                         if code.ends_at else None)
    return form


@bp.route("/discounts", methods=["GET", "POST"])
def discounts():
    form = DiscountForm() if request.method == "POST" else DiscountForm(formdata=None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                code = services.create_code(_code_data(form), actor_id=current_user.id)
            except services.PricingAdminError as exc:
                form.form_errors.append(str(exc))
            else:
                flash(f"Code {code.code} created.", "success")
                return redirect(url_for("admin.discounts"))
        status = 400
    return render_template("admin/discounts.html", form=form, rows=services.codes(), describe=pricing.describe,
                           currency=_currency(), toggle_form=ToggleForm(formdata=None)), status


@bp.route("/discounts/<int:code_id>", methods=["GET", "POST"])
def discount_edit(code_id: int):
    code = db.get_or_404(DiscountCode, code_id)
    form = DiscountForm() if request.method == "POST" else _form_for(code)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.update_code(code.id, _code_data(form), actor_id=current_user.id)
            except services.PricingAdminError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                flash("Code saved.", "success")
                return redirect(url_for("admin.discount_edit", code_id=code_id))
        status = 400
        code = db.get_or_404(DiscountCode, code_id)
    uses, given = pricing.usage_figures().get(code.id, (0, 0))
    return render_template("admin/discount_edit.html", form=form, code=code, uses=uses, given=given,
                           describe=pricing.describe, currency=_currency(),
                           toggle_form=ToggleForm(formdata=None)), status


@bp.post("/discounts/<int:code_id>/active")
def discount_toggle(code_id: int):
    code = db.get_or_404(DiscountCode, code_id)
    if not ToggleForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    services.set_code_active(code.id, active, actor_id=current_user.id)
    flash(f"{code.code} is {'active again' if active else 'deactivated: shoppers can no longer use it'}.", "success")
    return redirect(request.form.get("back") == "list" and url_for("admin.discounts")
                    or url_for("admin.discount_edit", code_id=code_id))


# ------------------------------------------------------------------ shipping

def _price(text: str) -> int:
    try:
        return parse_money(text, _currency())
    except MoneyError:
        raise ValueError(f"“{text[:20]}” is not a price like 4.95.") from None


def _method_form(method: ShippingMethod) -> MethodForm:
    form = MethodForm(formdata=None, obj=method, prefix=f"m{method.id}")
    currency = _currency()
    form.bands.data = services.format_bands(method, lambda c: cents_to_decimal_string(c, currency))
    form.free_over.data = cents_to_decimal_string(method.free_over_cents, currency) \
        if method.free_over_cents is not None else ""
    return form


def _shipping_page(*, method_forms=None, country_errors=None, status=200):
    zones = services.zones()
    forms = {m.id: _method_form(m) for z in zones for m in z.methods} | (method_forms or {})
    return render_template("admin/shipping.html", zones=zones, method_forms=forms, toggle_form=ToggleForm(formdata=None),
                           country_errors=country_errors or {}), status


@bp.get("/shipping")
def shipping():
    return _shipping_page()


@bp.post("/shipping/methods/<int:method_id>")
def shipping_method(method_id: int):
    method = db.get_or_404(ShippingMethod, method_id)
    form = MethodForm(prefix=f"m{method.id}")
    if form.validate_on_submit():
        try:
            bands = services.parse_bands(form.bands.data, _price)
            services.update_method(method.id, name=form.name.data, delivery_estimate=form.delivery_estimate.data,
                                   basis=form.basis.data, bands=bands, free_over_cents=form.free_over.parsed,
                                   active=bool(form.active.data), actor_id=current_user.id)
        except services.PricingAdminError as exc:
            db.session.rollback()
            form.bands.errors = list(form.bands.errors) + [str(exc)]
        else:
            flash(f"{method.zone.name}: {form.name.data} saved.", "success")
            return redirect(url_for("admin.shipping") + f"#method-{method.id}")
    return _shipping_page(method_forms={method.id: form}, status=400)


@bp.post("/shipping/zones/<int:zone_id>/countries")
def shipping_zone_countries(zone_id: int):
    zone = db.get_or_404(ShippingZone, zone_id)
    if not ToggleForm().validate_on_submit():
        abort(400)
    try:
        services.update_zone_countries(zone.id, request.form.get("countries", "")[:20_000], actor_id=current_user.id)
    except services.PricingAdminError as exc:
        db.session.rollback()
        return _shipping_page(country_errors={zone_id: str(exc)}, status=400)
    flash(f"{zone.name}: countries saved.", "success")
    return redirect(url_for("admin.shipping") + f"#zone-{zone_id}")


# ------------------------------------------------------------------ tax

def _tax_page(form=None, edit_forms=None, status=200):
    rates = services.tax_rates()
    forms = {r.id: _tax_form(r) for r in rates} | (edit_forms or {})
    return render_template("admin/tax.html", rates=rates, form=form or TaxRateForm(formdata=None), edit_forms=forms,
                           delete_form=ToggleForm(formdata=None), percent=percent), status


def percent(ppm: int) -> str:
    """200000 -> "20", 88750 -> "8.875" (parts per million as the percentage an owner types)."""
    whole, frac = divmod(ppm, 10_000)
    return f"{whole}.{frac:04d}".rstrip("0").rstrip(".")


def _tax_form(rate: TaxRate) -> TaxRateForm:
    form = TaxRateForm(formdata=None, obj=rate, prefix=f"t{rate.id}")
    form.rate.data = percent(rate.rate_ppm)
    return form


def _save_tax(rate_id, form):
    return services.save_tax_rate(rate_id, country=form.country.data, region=form.region.data, label=form.label.data,
                                  rate_ppm=form.rate.parsed, inclusive=bool(form.inclusive.data),
                                  shipping_taxable=bool(form.shipping_taxable.data), actor_id=current_user.id)


@bp.route("/tax", methods=["GET", "POST"])
def tax_rates():
    if request.method == "GET":
        return _tax_page()
    form = TaxRateForm()
    if form.validate_on_submit():
        try:
            rate = _save_tax(None, form)
        except services.PricingAdminError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Tax rate for {rate.country}{'-' + rate.region if rate.region else ''} added.", "success")
            return redirect(url_for("admin.tax_rates"))
    return _tax_page(form=form, status=400)


@bp.post("/tax/<int:rate_id>")
def tax_rate_update(rate_id: int):
    db.get_or_404(TaxRate, rate_id)
    form = TaxRateForm(prefix=f"t{rate_id}")
    if form.validate_on_submit():
        try:
            _save_tax(rate_id, form)
        except services.PricingAdminError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash("Tax rate saved.", "success")
            return redirect(url_for("admin.tax_rates") + f"#rate-{rate_id}")
    return _tax_page(edit_forms={rate_id: form}, status=400)


@bp.post("/tax/<int:rate_id>/delete")
def tax_rate_delete(rate_id: int):
    db.get_or_404(TaxRate, rate_id)
    if not ToggleForm().validate_on_submit():
        abort(400)
    services.delete_tax_rate(rate_id, actor_id=current_user.id)
    flash("Tax rate deleted.", "success")
    return redirect(url_for("admin.tax_rates"))

"""Discount-code, shipping-method and tax-rate forms."""
from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from store.admin.forms import money_value, select_choices
from store.forms import StoreForm

KIND_CHOICES = [("percent", "Percentage off the subtotal"), ("fixed", "Fixed amount off the subtotal"),
                ("free_shipping", "Free shipping")]


class DiscountForm(StoreForm):
    code = StringField("Code (what shoppers type)", validators=[DataRequired(), Length(max=40)])
    description = StringField("Description (for you and on the order)", validators=[Length(max=200)])
    kind = SelectField("Kind", choices=select_choices(KIND_CHOICES), default="percent")
    value = StringField("Amount (a percentage like 10, or an amount like 5.00; blank for free shipping)",
                        validators=[Length(max=20)])
    minimum = StringField("Minimum subtotal before discounts (blank: none)", validators=[Length(max=20)])
    include_sale_items = BooleanField("Also applies to items already reduced")
    starts_on = DateField("Starts on (UTC, blank: now)", validators=[Optional()])
    ends_on = DateField("Last day (UTC, blank: no end)", validators=[Optional()])
    usage_limit = IntegerField("Uses in all (blank: unlimited)", validators=[Optional(), NumberRange(1, 1_000_000)])
    per_customer_limit = IntegerField("Uses per customer (blank: unlimited)",
                                      validators=[Optional(), NumberRange(1, 1000)])
    active = BooleanField("Active", default=True)

    def validate_value(self, field):
        text = (field.data or "").strip()
        if self.kind.data == "free_shipping":
            field.parsed = 0
            return
        if self.kind.data == "percent":
            if not text.isdigit() or not 1 <= int(text) <= 100:
                raise ValidationError("Enter a whole percentage from 1 to 100.")
            field.parsed = int(text)
            return
        field.parsed = money_value(field, required=True)
        if not field.parsed:
            raise ValidationError("Enter an amount above zero, like 5.00.")

    def validate_minimum(self, field):
        field.parsed = money_value(field, required=False) or 0

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day is before the first.")


class ToggleForm(StoreForm):
    pass


class MethodForm(StoreForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    delivery_estimate = StringField("Delivery estimate", validators=[Length(max=80)])
    basis = SelectField("Priced by", choices=select_choices([("weight", "Weight (grams)"),
                                                             ("subtotal", "Subtotal after discounts")]))
    bands = TextAreaField("Price bands, one a line: “up to” and price, the last line “over” and price",
                          validators=[DataRequired(), Length(max=2000)])
    free_over = StringField("Free shipping from this subtotal (blank: never free)", validators=[Length(max=20)])
    active = BooleanField("Offered at checkout")

    def validate_free_over(self, field):
        field.parsed = money_value(field, required=False)


class TaxRateForm(StoreForm):
    country = StringField("Country code (two letters, e.g. US, GB, DE)", validators=[DataRequired(), Length(2, 2)])
    region = StringField("Region or state code (blank: the whole country)", validators=[Length(max=10)])
    label = StringField("Label on receipts (e.g. VAT, Sales tax)", validators=[DataRequired(), Length(max=60)])
    rate = StringField("Rate in percent (e.g. 20 or 8.875)", validators=[DataRequired(), Length(max=10)])
    inclusive = BooleanField("Prices include this tax (VAT)")
    shipping_taxable = BooleanField("Shipping is taxed too", default=True)

    def validate_rate(self, field):
        text = (field.data or "").strip()
        whole, _, frac = text.partition(".")
        if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 4:
            raise ValidationError("Enter a percentage like 20 or 8.875 (up to four decimals).")
        ppm = int(whole) * 10_000 + int((frac + "0000")[:4])
        if ppm > 500_000:
            raise ValidationError("A rate above 50% is surely a typo.")
        field.parsed = ppm

"""Back-office forms."""
from __future__ import annotations

from flask import current_app
from store.forms import StoreForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from store.catalog.models import ProductKind, ProductStatus
from store.money import AmountTooLarge, MoneyError, parse_money
from store.safety.models import DisclaimerKind


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]


def _money_value(field, required: bool) -> int | None:
    text = (field.data or "").strip()
    if not text:
        if required:
            raise ValidationError("Enter a price like 24.00.")
        return None
    try:
        return parse_money(text, current_app.config["STORE_CURRENCY"])
    except AmountTooLarge as exc:
        raise ValidationError(str(exc)) from exc
    except MoneyError as exc:
        raise ValidationError("Enter an amount like 24.00 (no minus sign, at most two decimals).") from exc


class ProductForm(StoreForm):
    version = HiddenField()
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    slug = StringField("Web address (slug)", validators=[Optional(), Length(max=150)])
    kind = SelectField("Kind", choices=_choices((k.value, k.value.title()) for k in ProductKind))
    category_id = SelectField("Category", coerce=int, validators=[Optional()])
    summary = StringField("Summary", validators=[Length(max=300)])
    description_md = TextAreaField("Description (Markdown)", validators=[Length(max=50_000)])
    warnings = TextAreaField("Safety warnings (one per line)", validators=[Length(max=10_000)])
    featured = BooleanField("Feature on the home page")
    status = SelectField("Status", choices=_choices((s.value, s.value.title()) for s in ProductStatus))
    claims_override = BooleanField("Keep this wording anyway (override the claims check)")
    claims_reason = StringField("Reason for the override", validators=[Length(max=400)])
    preview = SubmitField("Preview description")
    save = SubmitField("Save product")

    def set_categories(self, categories) -> None:
        self.category_id.choices = _choices([(0, "— No category —")] + [(c.id, c.name) for c in categories])

    def validate_claims_reason(self, field):
        if self.claims_override.data and not (field.data or "").strip():
            raise ValidationError("Give a reason for keeping the flagged wording.")


class NewProductForm(ProductForm):
    """Creating a product also creates its first variant."""
    sku = StringField("SKU", validators=[DataRequired(), Length(max=64)])
    option_label = StringField("Option label", default="Standard", validators=[Length(max=80)])
    price = StringField("Price", validators=[DataRequired()])
    opening_stock = IntegerField("Opening stock", default=0, validators=[Optional(), NumberRange(min=0, max=1_000_000)])

    def validate_price(self, field):
        self.price_cents = _money_value(field, required=True)


class VariantForm(StoreForm):
    sku = StringField("SKU", validators=[DataRequired(), Length(max=64)])
    option_label = StringField("Option label", default="Standard", validators=[Length(max=80)])
    price = StringField("Price", validators=[DataRequired()])
    compare_at = StringField("Compare-at price", validators=[Optional()])
    weight_grams = IntegerField("Weight (g)", default=0, validators=[Optional(), NumberRange(min=0, max=100_000)])
    low_stock_threshold = IntegerField("Low-stock threshold", default=3,
                                       validators=[Optional(), NumberRange(min=0, max=100_000)])
    is_active = BooleanField("Active (for sale)", default=True)
    opening_stock = IntegerField("Opening stock", default=0, validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    submit = SubmitField("Save variant")

    def validate_price(self, field):
        self.price_cents = _money_value(field, required=True)

    def validate_compare_at(self, field):
        self.compare_at_cents = _money_value(field, required=False)


class ImageForm(StoreForm):
    image = FileField("Picture (JPEG, PNG or WebP)", validators=[FileRequired("Choose a picture to upload.")])
    alt_text = StringField("Alt text (describe the picture)", validators=[DataRequired(
        "Describe the picture; alt text is required."), Length(max=300)])
    submit = SubmitField("Upload picture")


class StockAdjustForm(StoreForm):
    reason = SelectField("Reason", choices=_choices([("restock", "Restock (units received)"),
                                                     ("damaged", "Damaged or lost (units removed)"),
                                                     ("count", "Count correction (counted total)"),
                                                     ("return", "Customer return (units back)")]))
    quantity = IntegerField("Units (or counted total)", validators=[InputRequired("Enter a number."),
                                                                   NumberRange(min=0, max=1_000_000)])
    note = StringField("Note", validators=[Length(max=250)])
    submit = SubmitField("Adjust stock")


class CsvImportForm(StoreForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file.")])
    submit = SubmitField("Check and import")


class DisclaimerForm(StoreForm):
    kind = HiddenField(validators=[DataRequired()])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField("Text", validators=[DataRequired(), Length(max=10_000)])
    submit = SubmitField("Save as a new version")

    def validate_kind(self, field):
        if field.data not in {k.value for k in DisclaimerKind}:
            raise ValidationError("Unknown disclaimer.")


class ShipForm(StoreForm):
    carrier = StringField("Carrier", validators=[DataRequired("Enter the carrier."), Length(max=80)])
    tracking_number = StringField("Tracking number", validators=[DataRequired("Enter the tracking number."),
                                                                 Length(max=120)])
    submit = SubmitField("Mark as shipped")


class DeliverForm(StoreForm):
    """Only the CSRF token: marking a shipped order as delivered needs nothing else."""
    submit = SubmitField("Mark as delivered")


class CancelForm(StoreForm):
    note = StringField("Reason", validators=[Length(max=300)])
    submit = SubmitField("Cancel order")


class RefundForm(StoreForm):
    amount = StringField("Amount to refund", validators=[DataRequired("Enter an amount.")])
    reason = StringField("Reason", validators=[Length(max=300)])
    idempotency_key = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Refund")

    def validate_amount(self, field):
        self.amount_cents = _money_value(field, required=True)
        if not self.amount_cents:
            raise ValidationError("Enter an amount more than 0.")


# ------------------------------------------------------------------ guides

from wtforms import FieldList, Form, FormField, SelectMultipleField  # noqa: E402


class StepSubForm(Form):
    title = StringField("Step title", validators=[Length(max=200)])
    body = TextAreaField("Step text (Markdown)", validators=[Length(max=20_000)])
    products = StringField("Products used (slugs, comma-separated)", validators=[Length(max=1000)])


class FAQSubForm(Form):
    question = StringField("Question", validators=[Length(max=300)])
    answer = TextAreaField("Answer (Markdown)", validators=[Length(max=10_000)])


class ReferenceSubForm(Form):
    citation = StringField("Citation", validators=[Length(max=500)])
    pmid = StringField("PubMed ID (digits)", validators=[Length(max=20)])
    doi = StringField("DOI (10.xxxx/…)", validators=[Length(max=200)])


class GuideForm(StoreForm):
    version = HiddenField()
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Web address (slug)", validators=[Length(max=160)])
    summary = TextAreaField("Summary", validators=[Length(max=400)])
    body = TextAreaField("Body (Markdown)", validators=[Length(max=100_000)])
    clinician_note = TextAreaField("When to stop and see a clinician (Markdown)", validators=[Length(max=20_000)])
    hero_image = StringField("Hero picture (path under static/)", validators=[Length(max=300)])
    hero_alt = StringField("Hero picture alt text", validators=[Length(max=300)])
    reviewed_by = StringField("Reviewed by", validators=[Length(max=200)])
    tags = StringField("Topics (comma-separated)", validators=[Length(max=500)])
    products = SelectMultipleField("Tools used in this guide", validators=[Optional()])
    steps = FieldList(FormField(StepSubForm), min_entries=1)
    faqs = FieldList(FormField(FAQSubForm), min_entries=1)
    references = FieldList(FormField(ReferenceSubForm), min_entries=1)
    preview = SubmitField("Preview")
    save = SubmitField("Save guide")

"""Back-office catalog forms: products, variants, pictures."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from store.admin.forms import compare_at_problem, money_value, select_choices
from store.catalog.models import ProductKind, ProductStatus
from store.forms import StoreForm


class ProductForm(StoreForm):
    version = HiddenField()
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    slug = StringField("Web address (slug)", validators=[Optional(), Length(max=150)])
    kind = SelectField("Kind", choices=select_choices((k.value, k.value.title()) for k in ProductKind))
    category_id = SelectField("Category", coerce=int, validators=[Optional()])
    summary = StringField("Summary", validators=[Length(max=300)])
    description_md = TextAreaField("Description (Markdown)", validators=[Length(max=50_000)])
    warnings = TextAreaField("Safety warnings (one per line)", validators=[Length(max=10_000)])
    ingredients = TextAreaField("Ingredients (one per line)",
                                validators=[Length(max=10_000)])
    featured = BooleanField("Feature on the home page")
    status = SelectField("Status", choices=select_choices((s.value, s.value.title()) for s in ProductStatus))
    claims_override = BooleanField("Keep this wording anyway (override the claims check)")
    claims_reason = StringField("Reason for the override", validators=[Length(max=400)])
    claims_evidence = StringField("Evidence (PubMed or DOI link)", validators=[Length(max=300)])
    preview = SubmitField("Preview description")
    save = SubmitField("Save product")

    def set_categories(self, categories) -> None:
        self.category_id.choices = select_choices([(0, "— No category —")] + [(c.id, c.name) for c in categories])

    def validate_claims_reason(self, field):
        if self.claims_override.data and not (field.data or "").strip():
            raise ValidationError("Give a reason for keeping the flagged wording.")

    def validate_claims_evidence(self, field):
        if self.claims_override.data and not (field.data or "").strip():
            raise ValidationError("Give the evidence: a PubMed link or ID, or a DOI.")


class NewProductForm(ProductForm):
    """Creating a product also creates its first variant."""
    sku = StringField("SKU", validators=[DataRequired(), Length(max=64)])
    option_label = StringField("Option label", default="Standard", validators=[Length(max=80)])
    price = StringField("Price", validators=[DataRequired()])
    opening_stock = IntegerField("Opening stock", default=0, validators=[Optional(), NumberRange(min=0, max=1_000_000)])

    def validate_price(self, field):
        self.price_cents = money_value(field, required=True)


class VariantForm(StoreForm):
    sku = StringField("SKU", validators=[DataRequired(), Length(max=64)])
    option_label = StringField("Option label", default="Standard", validators=[Length(max=80)])
    price = StringField("Price", validators=[DataRequired()])
    compare_at = StringField("Compare-at price", validators=[Optional()])
    weight_grams = IntegerField("Weight (g)", default=0, validators=[Optional(), NumberRange(min=0, max=100_000)])
    # Blank = the store default (LOW_STOCK_THRESHOLD); the page says which number that is.
    low_stock_threshold = IntegerField("Low-stock threshold", default=None,
                                       validators=[Optional(), NumberRange(min=0, max=100_000)])
    is_active = BooleanField("Active (for sale)", default=True)
    opening_stock = IntegerField("Opening stock", default=0, validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    submit = SubmitField("Save variant")

    def validate_price(self, field):
        self.price_cents = money_value(field, required=True)

    def validate_compare_at(self, field):
        self.compare_at_cents = money_value(field, required=False)
        problem = compare_at_problem(getattr(self, "price_cents", None), self.compare_at_cents)
        if problem:
            raise ValidationError(problem)


class ImageForm(StoreForm):
    image = FileField("Picture (JPEG, PNG or WebP)", validators=[FileRequired("Choose a picture to upload.")])
    alt_text = StringField("Alt text (describe the picture)", validators=[DataRequired(
        "Describe the picture; alt text is required."), Length(max=300)])
    submit = SubmitField("Upload picture")


class CategoryForm(StoreForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    slug = StringField("Web address (slug)", validators=[Optional(), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=5_000)])
    position = IntegerField("Position (lower comes first)", default=0,
                            validators=[Optional(), NumberRange(min=-10_000, max=10_000)])
    hidden = BooleanField("Hidden from the shop front and sitemap")
    submit = SubmitField("Save category")


class DeleteForm(StoreForm):
    submit = SubmitField("Delete")


class BulkForm(StoreForm):
    action = SelectField("With the ticked products", choices=select_choices(
        [("publish", "Publish"), ("archive", "Archive"), ("move", "Move to category")]))
    category_id = SelectField("Category (for a move)", coerce=int, validators=[Optional()])
    submit = SubmitField("Apply to ticked")

    def set_categories(self, categories) -> None:
        self.category_id.choices = select_choices([(0, "— No category —")] + [(c.id, c.name) for c in categories])


class CatalogUploadForm(StoreForm):
    file = FileField("Catalog CSV", validators=[FileRequired("Choose a CSV file to import.")])
    submit = SubmitField("Preview import")


class CatalogConfirmForm(StoreForm):
    # The same file content, carried back for the confirm POST (re-validated there): nothing on disk.
    content = HiddenField(validators=[DataRequired("The preview expired: upload the file again.")])
    submit = SubmitField("Import all of it")

"""The problem-report form."""
from __future__ import annotations

from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from store.forms import StoreForm


class ProblemReportForm(StoreForm):
    product_id = SelectField("Which product", coerce=int, validators=[Optional()])
    what_happened = TextAreaField("What happened", validators=[
        DataRequired("Tell us what happened."), Length(max=10_000)])
    batch_lot = StringField("Batch or lot number, if you know it (printed on the label or base)",
                            validators=[Optional(), Length(max=80)])
    order_number = StringField("Order number, if you have it", validators=[Optional(), Length(max=40)])
    contact_name = StringField("Your name", validators=[Optional(), Length(max=120)])
    contact_email = EmailField("Your email", validators=[
        DataRequired("Give an email address so we can reach you."),
        Email("Enter a valid email address.", check_deliverability=False), Length(max=254)])
    contact_phone = StringField("Phone (optional)", validators=[Optional(), Length(max=40)])
    submit = SubmitField("Send the report")

    def set_products(self, products) -> None:
        self.product_id.choices = [(0, "— Not sure, or not listed —")] + [(pid, name) for pid, name in products]

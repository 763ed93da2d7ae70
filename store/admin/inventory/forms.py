"""Back-office stock forms: an adjustment with a reason, a CSV import."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from store.admin.forms import select_choices
from store.forms import StoreForm


class StockAdjustForm(StoreForm):
    reason = SelectField("Reason", choices=select_choices([("restock", "Restock (units received)"),
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


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ReceiptForm(StoreForm):
    supplier = StringField("Supplier", filters=[_strip],
                           validators=[DataRequired("Enter the supplier."), Length(max=120)])
    reference = StringField("Reference (delivery note, invoice)", filters=[_strip], validators=[Length(max=120)])
    received_on = DateField("Date received", validators=[InputRequired("Enter the date received.")])
    lines = TextAreaField("Lines: SKU, quantity (one per line)",
                          validators=[InputRequired("Enter at least one line: SKU, quantity."), Length(max=100_000)])
    note = StringField("Note", validators=[Length(max=250)])
    submit = SubmitField("Receive stock")


class ReverseReceiptForm(StoreForm):
    submit = SubmitField("Reverse")


class CountForm(StoreForm):
    """The counted quantities arrive as count-<variant_id> fields (read by the view)."""
    note = StringField("Note", validators=[Length(max=250)])
    submit = SubmitField("Save count")


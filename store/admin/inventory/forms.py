"""Back-office stock forms: an adjustment with a reason, a CSV import."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

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

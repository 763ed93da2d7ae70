"""Compliance forms."""
from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from store.admin.forms import select_choices
from store.forms import StoreForm
from store.safety.models import ProblemReportStatus


class TermForm(StoreForm):
    kind = SelectField("Kind", choices=select_choices([
        ("condition", "Condition (flagged with an outcome word: “eases it”, “relief from it”, “for it”)"),
        ("phrase", "Phrase (flagged wherever it appears)")]))
    term = StringField("Word or phrase", validators=[DataRequired("Enter the word or phrase to flag."),
                                                     Length(max=120)])
    note = StringField("Note (why you flag it)", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Add to the lexicon")


class ScreenForm(StoreForm):
    text = TextAreaField("Copy to check", validators=[DataRequired("Paste some copy to check."),
                                                      Length(max=20_000)])
    context = SelectField("Where it will appear", choices=select_choices([
        ("product", "Product copy"), ("guide", "Guide"), ("review", "Review")]))
    submit = SubmitField("Check")


class ReportStatusForm(StoreForm):
    status = SelectField("Status", choices=select_choices([(s.value, s.value.title()) for s in ProblemReportStatus]))
    submit = SubmitField("Save status")


class DeleteTermForm(StoreForm):
    submit = SubmitField("Remove")

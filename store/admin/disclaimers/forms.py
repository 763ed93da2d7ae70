"""Back-office disclaimer form: a new version of one disclaimer."""
from __future__ import annotations

from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from store.forms import StoreForm
from store.safety.models import DisclaimerKind


class DisclaimerForm(StoreForm):
    kind = HiddenField(validators=[DataRequired()])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField("Text", validators=[DataRequired(), Length(max=10_000)])
    submit = SubmitField("Save as a new version")

    def validate_kind(self, field):
        if field.data not in {k.value for k in DisclaimerKind}:
            raise ValidationError("Unknown disclaimer.")

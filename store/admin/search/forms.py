"""Synonym forms."""
from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from store.forms import StoreForm


class SynonymForm(StoreForm):
    terms = StringField("Words or phrases that mean the same, separated by commas",
                        validators=[DataRequired(message="Type at least two words or phrases."), Length(max=500)])


class DeleteForm(StoreForm):
    """No fields: the CSRF token only."""

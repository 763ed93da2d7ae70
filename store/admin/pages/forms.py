"""Back-office page form: a new version of one policy or help page (Markdown)."""
from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from store.forms import StoreForm


class PageForm(StoreForm):
    title = StringField("Title", validators=[DataRequired("Enter the page's title."), Length(max=200)])
    summary = StringField("Summary (search engines and the top of the page)", validators=[Length(max=300)])
    body = TextAreaField("Text (Markdown)", validators=[DataRequired("Enter the page's text."),
                                                         Length(max=50_000)])

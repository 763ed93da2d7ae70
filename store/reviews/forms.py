from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from store.forms import StoreForm


class ReviewForm(StoreForm):
    rating = RadioField("Your rating", choices=[SelectChoice(str(n), f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
                        validators=[DataRequired(message="Choose a rating from 1 to 5 stars.")])
    title = StringField("Title", validators=[DataRequired(message="Give your review a title."), Length(max=120)])
    body = TextAreaField("Your review", validators=[DataRequired(message="Write a few words about it."),
                                                    Length(max=5000)])
    author_name = StringField("Name shown with the review", validators=[Optional(), Length(max=80)])


class ReportForm(StoreForm):
    reason = StringField("What is wrong with this review?",
                         validators=[DataRequired(message="Tell us briefly what is wrong."), Length(max=500)])

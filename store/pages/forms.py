"""The contact form. ``website`` is a honeypot: hidden from people, filled in by bots."""
from __future__ import annotations

from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from store.forms import StoreForm
from store.pages.services import CONTACT_TOPICS


class ContactForm(StoreForm):
    name = StringField("Your name", validators=[DataRequired("Enter your name."), Length(max=120)])
    email = EmailField("Your email", validators=[
        DataRequired("Enter your email, so we can reply."),
        Email("Enter a valid email address, like name@example.com.", check_deliverability=False),
        Length(max=254)])
    topic = SelectField("What is it about?", choices=[SelectChoice(v, label) for v, label in CONTACT_TOPICS], default="other",
                        validate_choice=True)
    order_number = StringField("Order number (if it is about an order)", validators=[Optional(), Length(max=40)])
    message = TextAreaField("Your message", validators=[
        DataRequired("Write your message."),
        Length(min=10, max=5000, message="Write between 10 and 5000 characters.")])
    website = StringField("Leave this field empty", validators=[Optional()])  # honeypot

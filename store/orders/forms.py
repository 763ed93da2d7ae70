"""Order forms: asking for a fresh guest-order link."""
from __future__ import annotations

from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length

from store.forms import StoreForm


class OrderLinkForm(StoreForm):
    number = StringField("Order number", validators=[DataRequired("Please enter your order number."),
                                                     Length(max=20, message="Order numbers look like KW-7K3Q-H2XD.")],
                         render_kw={"autocomplete": "off", "placeholder": "KW-7K3Q-H2XD"})
    email = EmailField("Email used for the order", validators=[DataRequired("Please enter your email address."),
                                                               Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ClaimForm(StoreForm):
    """Only the CSRF token: asking for, or confirming, the link that adds guest orders to the account."""

"""Checkout form: contact, shipping address, shipping method and the safety acknowledgment."""
from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from store.countries import DEFAULT_COUNTRY
from store.pricing.forms import ShippingAddressForm

ACKNOWLEDGMENT = "I have read the safety information for these products"


class CheckoutForm(ShippingAddressForm):
    email = EmailField("Email for your receipt", validators=[
        DataRequired("Enter your email address so we can send your receipt."),
        Email("Enter an email address like name@example.com."), Length(max=254)])
    full_name = StringField("Full name", validators=[DataRequired("Enter the name for the delivery."),
                                                     Length(max=120)])
    line1 = StringField("Address", validators=[DataRequired("Enter the street address."), Length(max=200)])
    line2 = StringField("Apartment, suite, etc. (optional)", validators=[Optional(), Length(max=200)])
    city = StringField("City", validators=[DataRequired("Enter the city."), Length(max=120)])
    region = StringField("State or province",
                         validators=[Length(max=120)])
    postal_code = StringField("ZIP or postal code", validators=[
        DataRequired("Enter the ZIP or postal code."),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,9}$",
               message="Enter a ZIP or postal code like 94110, K1A 0B1 or SW1A 1AA.")])
    country = SelectField("Country", choices=[], default=DEFAULT_COUNTRY, validate_choice=True)
    shipping_method = RadioField("Shipping", default="standard",
                                 validators=[DataRequired("Choose a shipping method.")])
    acknowledge = BooleanField(ACKNOWLEDGMENT, validators=[
        DataRequired("Please confirm that you have read the safety information for these products.")])
    disclaimer_id = HiddenField()
    disclaimer_version = HiddenField()


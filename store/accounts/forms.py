"""Account forms (Flask-WTF: every form carries a CSRF token). Rules beyond presence live in services."""
from __future__ import annotations

from store.countries import DEFAULT_COUNTRY
from store.forms import StoreForm
from store.pricing.forms import ShippingAddressForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

_EMAIL = [DataRequired("Please enter your email address."), Length(max=254)]


class LoginForm(StoreForm):
    email = EmailField("Email", validators=_EMAIL, render_kw={"autocomplete": "email"})
    password = PasswordField("Password", validators=[DataRequired("Please enter your password.")],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class RegisterForm(StoreForm):
    name = StringField("Your name", validators=[DataRequired("Please tell us your name."), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    email = EmailField("Email", validators=_EMAIL, render_kw={"autocomplete": "email"})
    password = PasswordField("Password", validators=[DataRequired("Please choose a password.")],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired("Please repeat the password."), EqualTo("password", "The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"})
    next = HiddenField()


class ChangePasswordForm(StoreForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Please enter your current password.")],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password", validators=[DataRequired("Please choose a new password.")],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired("Please repeat the new password."),
        EqualTo("new_password", "The two passwords do not match.")], render_kw={"autocomplete": "new-password"})


class ResetRequestForm(StoreForm):
    email = EmailField("Email", validators=_EMAIL, render_kw={"autocomplete": "email"})


class ResetPasswordForm(StoreForm):
    password = PasswordField("New password", validators=[DataRequired("Please choose a new password.")],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired("Please repeat the new password."), EqualTo("password", "The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"})


class ProfileForm(StoreForm):
    name = StringField("Your name", validators=[DataRequired("Please enter your name."), Length(max=120)],
                       render_kw={"autocomplete": "name"})


class AddressForm(ShippingAddressForm):
    full_name = StringField("Full name", validators=[DataRequired("Please enter the recipient's name."),
                                                     Length(max=120)], render_kw={"autocomplete": "name"})
    line1 = StringField("Address line 1", validators=[DataRequired("Please enter the street address."),
                                                      Length(max=200)], render_kw={"autocomplete": "address-line1"})
    line2 = StringField("Address line 2 (optional)", validators=[Optional(), Length(max=200)],
                        render_kw={"autocomplete": "address-line2"})
    city = StringField("City", validators=[DataRequired("Please enter the city."), Length(max=120)],
                       render_kw={"autocomplete": "address-level2"})
    region = StringField("State or province (optional outside the US and Canada)", validators=[Length(max=120)],
                         render_kw={"autocomplete": "address-level1"})
    postal_code = StringField("Postal code", validators=[DataRequired("Please enter the postal code."),
                                                         Length(max=20)], render_kw={"autocomplete": "postal-code"})
    # Only the countries checkout ships to (the shipping zones): a saved address is always one checkout accepts.
    country = SelectField("Country", choices=[], default=DEFAULT_COUNTRY, validate_choice=True,
                          render_kw={"autocomplete": "country"})
    phone = TelField("Phone (optional, for the courier)", validators=[Optional(), Length(max=40)],
                     render_kw={"autocomplete": "tel"})
    is_default = BooleanField("Use as my default address")


class TwoFactorCodeForm(StoreForm):
    code = StringField("Code from your authenticator app (or a recovery code)", validators=[
        DataRequired("Please enter the code from your authenticator app."), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off",
                   "spellcheck": "false"})


class TwoFactorEnrolForm(StoreForm):
    code = StringField("Code from your authenticator app", validators=[
        DataRequired("Please enter the code from your authenticator app."), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off",
                   "spellcheck": "false"})
    password = PasswordField("Your password", validators=[DataRequired("Please enter your password.")],
                             render_kw={"autocomplete": "current-password"})

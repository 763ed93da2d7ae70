"""The base of every address form (checkout and saved addresses): its country select offers the shipping
zones' countries, and a US or Canadian address needs a state or province the store knows."""
from __future__ import annotations

from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from store.countries import region_problem
from store.forms import StoreForm
from store.pricing.services import shipping_countries


class ShippingAddressForm(StoreForm):
    """Subclasses define ``country`` (a SelectField) and ``region`` (a StringField)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice(code, name) for code, name in shipping_countries()]

    def validate_region(self, field):
        problem = region_problem(self.country.data, field.data)
        if problem:
            raise ValidationError(problem)

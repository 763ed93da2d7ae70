"""Staff management forms."""
from __future__ import annotations

from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Email, Length

from store.admin.forms import select_choices
from store.forms import StoreForm

ADD_CHOICES = [("staff", "Staff (catalog, guides, stock, shipping)"), ("readonly", "Read-only (sees, changes nothing)")]
CHANGE_CHOICES = [("owner", "Owner"), ("staff", "Staff"), ("readonly", "Read-only"),
                  ("customer", "No back-office access")]


class AddStaffForm(StoreForm):
    email = EmailField("Email of their account", validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField("Role", choices=select_choices(ADD_CHOICES), default="staff")


class ChangeRoleForm(StoreForm):
    role = SelectField("Role", choices=select_choices(CHANGE_CHOICES))

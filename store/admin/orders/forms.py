"""Back-office order action forms: ship, deliver, cancel, refund."""
from __future__ import annotations

from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from store.admin.forms import money_value
from store.forms import StoreForm


class ShipForm(StoreForm):
    carrier = StringField("Carrier", validators=[DataRequired("Enter the carrier."), Length(max=80)])
    tracking_number = StringField("Tracking number", validators=[DataRequired("Enter the tracking number."),
                                                                 Length(max=120)])
    submit = SubmitField("Mark as shipped")


class DeliverForm(StoreForm):
    """Only the CSRF token: marking a shipped order as delivered needs nothing else."""
    submit = SubmitField("Mark as delivered")


class CancelForm(StoreForm):
    note = StringField("Reason", validators=[Length(max=300)])
    submit = SubmitField("Cancel order")


class RefundForm(StoreForm):
    amount = StringField("Amount to refund", validators=[DataRequired("Enter an amount.")])
    reason = StringField("Reason", validators=[Length(max=300)])
    idempotency_key = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Refund")

    def validate_amount(self, field):
        self.amount_cents = money_value(field, required=True)
        if not self.amount_cents:
            raise ValidationError("Enter an amount more than 0.")

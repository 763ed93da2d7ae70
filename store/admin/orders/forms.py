"""Back-office order action forms: ship, deliver, cancel, refund."""
from __future__ import annotations

from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

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
    # A paid order's cancellation is a refund: its one-time key makes a double submit refund once.
    idempotency_key = HiddenField()
    submit = SubmitField("Cancel order")


class RefundForm(StoreForm):
    """A refund by items (per-line quantity and "put back in stock" fields, named qty-<line id> and
    restock-<line id>, read by the view) and/or by amount. With items and no amount, their price is refunded."""
    amount = StringField("Amount to refund", validators=[Optional()])
    reason = StringField("Reason", validators=[Length(max=300)])
    idempotency_key = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Refund")

    amount_cents: int | None = None

    def validate_amount(self, field):
        self.amount_cents = money_value(field, required=False) if (field.data or "").strip() else None
        if self.amount_cents is not None and self.amount_cents <= 0:
            raise ValidationError("Enter an amount more than 0.")

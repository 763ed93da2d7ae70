"""Sending a refund to the order's payment provider: Stripe through stripe_gateway, or the demo gateway (no
network, always succeeds). Called only by store/orders/lifecycle.py's ``execute_refund``, outside any database
transaction; the idempotency key is the refund's own, so a retry after a crash refunds once."""
from __future__ import annotations

from store.payments import stripe_gateway
from store.payments.stripe_gateway import PaymentError


def send_refund(provider: str, payment_intent: str | None, amount_cents: int, idempotency_key: str) -> str:
    """Refund ``amount_cents`` and return the provider's refund id, or raise PaymentError."""
    if provider == "stripe":
        if not payment_intent:
            raise PaymentError("This order has no Stripe payment to refund; check it in the Stripe dashboard.")
        return str(stripe_gateway.refund(payment_intent, amount_cents, idempotency_key).get("id") or "")
    if provider == "demo":
        return f"demo_{idempotency_key}"[:255]
    raise PaymentError(f"Refunds through {provider!r} are not supported.")

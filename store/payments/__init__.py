"""Payments: the only code that talks to a payment provider (stripe_gateway.py is the only module importing stripe)."""

"""Back-in-stock alerts: a shopper asks to be told when a sold-out option is back; when its stock returns
(inventory calls ``stock_may_have_returned`` in the change's own transaction) each waiting subscriber gets one
email through the outbox, and the subscription is marked sent in that same transaction."""
from flask import Blueprint

bp = Blueprint("alerts", __name__)

from store.alerts import views  # noqa: E402,F401

"""Shared helpers for checkout tests: signed webhooks and the Stripe HTTP stub (``place`` and ``ADDRESS`` are
re-exported from tests/factories.py)."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import stripe

from tests.factories import ADDRESS, place_order as place  # noqa: F401  (the builders live in tests/factories.py)

WEBHOOK_SECRET = "whsec_test_kneadwell_secret"


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Stripe's scheme: v1 = HMAC-SHA256(secret, f"{t}.{payload}")."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def attach_session(order, session_id="cs_test_a1"):
    """Record the order's Stripe Checkout Session, as starting a Stripe payment does (a session event or return
    pays an order only through its own session). Returns the order."""
    from store.checkout.services import attach_stripe_session
    attach_stripe_session(order.id, session_id, None)
    order.stripe_session_id = session_id
    return order


def session_object(order, *, session_id="cs_test_a1", payment_status="paid", amount_total=None,
                   currency=None, payment_intent="pi_test_1", status="complete"):
    return {
        "id": session_id, "object": "checkout.session", "mode": "payment", "status": status,
        "payment_status": payment_status,
        "amount_total": order.total_cents if amount_total is None else amount_total,
        "amount_subtotal": order.subtotal_cents,
        "currency": (currency or order.currency).lower(),
        "client_reference_id": order.number, "customer_email": order.email,
        "metadata": {"order_id": str(order.id), "order_number": order.number},
        "payment_intent": payment_intent, "livemode": False,
    }


def event(event_type, obj, event_id="evt_test_1"):
    return {"id": event_id, "object": "event", "api_version": "2024-06-20", "created": int(time.time()),
            "type": event_type, "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "data": {"object": obj}}


def post_event(client, evt, secret=WEBHOOK_SECRET, timestamp=None, tamper=None):
    payload = json.dumps(evt)
    header = sign(payload, secret, timestamp)
    if tamper:
        payload = tamper(payload)
    return client.post("/stripe/webhook", data=payload, headers={"Stripe-Signature": header},
                       content_type="application/json")


class RecordingHTTPClient(stripe.HTTPClient):
    """Stripe's HTTP layer, replaced: records every request and answers from a queue of canned responses.
    Each response is (status, body_dict, headers) or an exception instance to raise."""
    name = "recording"

    def __init__(self):
        super().__init__()
        self.requests: list[dict] = []
        self.responses: list = []
        self._lock = threading.Lock()

    def queue(self, status: int, body: dict, headers: dict | None = None):
        self.responses.append((status, body, headers or {}))

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        with self._lock:
            self.requests.append({
                "method": method.upper(), "url": url, "path": parts.path, "query": dict(parse_qsl(parts.query)),
                "headers": dict(headers or {}), "form": dict(parse_qsl(post_data or "", keep_blank_values=True)),
                "raw": post_data})
            response = self.responses.pop(0) if self.responses else (500, {"error": {"message": "no response queued"}}, {})
        if isinstance(response, Exception):
            raise response
        status, body, extra = response
        return json.dumps(body), status, {"Request-Id": "req_test", "Content-Type": "application/json", **extra}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):  # pragma: no cover
        raise NotImplementedError

    def close(self):
        pass

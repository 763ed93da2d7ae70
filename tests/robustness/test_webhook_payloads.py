"""The Stripe webhook with correctly signed but malformed events: never a 500 (Stripe would retry it forever),
and nothing is recorded for an event that names no order."""
from __future__ import annotations

import json

import pytest

from tests.checkout.helpers import WEBHOOK_SECRET, sign
from tests.robustness.world import snapshot


@pytest.fixture
def secret(app):
    old = app.config.get("STRIPE_WEBHOOK_SECRET")
    app.config["STRIPE_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    yield WEBHOOK_SECRET
    app.config["STRIPE_WEBHOOK_SECRET"] = old


def _objects(world):
    big = str(2**63)
    yield []
    yield "a string"
    yield {"metadata": "not a mapping"}
    yield {"metadata": {"order_id": big}}
    yield {"metadata": {"order_id": str(2**31)}}
    yield {"metadata": {"order_id": "-1"}, "client_reference_id": "x" * 5000}
    yield {"metadata": {"order_id": [1]}, "client_reference_id": {"a": 1}}
    yield {"metadata": {"order_id": str(world.pending_id)}, "amount_total": "abc", "payment_status": ["paid"],
           "currency": None}
    yield {"metadata": {"order_id": str(world.pending_id)}, "amount_total": 10**30, "payment_status": "paid",
           "currency": "usd", "payment_intent": {"id": ["x"]}}
    yield {"payment_intent": big, "amount_refunded": "abc", "metadata": {"order_id": str(world.paid_id)}}
    yield {"payment_intent": None, "amount_refunded": 10**30, "metadata": {"order_id": str(world.paid_id)}}
    yield {"payment_intent": None, "amount_refunded": -5, "metadata": {"order_id": big}}


def test_signed_but_malformed_events_never_500(app, world, client, secret):
    with app.app_context():
        before = snapshot()
    failures, n = [], 0
    types = ["checkout.session.completed", "checkout.session.async_payment_failed", "checkout.session.expired",
             "charge.refunded"]
    for obj in _objects(world):
        names_real_order = isinstance(obj, dict) and isinstance(obj.get("metadata"), dict) and \
            obj["metadata"].get("order_id") in (str(world.pending_id), str(world.paid_id))
        # An event that names a real order may legitimately cancel or expire it; the hostile amounts of these
        # objects must not pay or refund it, so those are sent only as "paid" and "refunded" events.
        for event_type in (types[::3] if names_real_order else types):
            n += 1
            event = {"id": f"evt_hostile_{n}", "type": event_type, "data": {"object": obj}}
            payload = json.dumps(event)
            try:
                response = client.post("/stripe/webhook", data=payload, content_type="application/json",
                                       headers={"Stripe-Signature": sign(payload, secret)})
                status = response.status_code
            except Exception as exc:  # noqa: BLE001  (reported below with the event)
                status = f"{type(exc).__name__}: {exc}"[:200]
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{event_type} {json.dumps(obj)[:120]} -> {status}")
    for payload in ('{"id": 1, "type": "x", "data": []}', '{"id": "e", "type": ["x"], "data": {"object": 5}}',
                    '{"id": "e2", "type": "charge.refunded", "data": null}'):
        response = client.post("/stripe/webhook", data=payload, content_type="application/json",
                               headers={"Stripe-Signature": sign(payload, secret)})
        if response.status_code >= 500:
            failures.append(f"{payload} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    with app.app_context():
        after = snapshot()
    # No order was paid, cancelled or refunded by any of them.
    assert {k: v for k, v in after.items() if k.startswith("orders") or k.startswith("variant")} == \
        {k: v for k, v in before.items() if k.startswith("orders") or k.startswith("variant")}
    assert after["refunds"] == before["refunds"] and after["order_events"] == before["order_events"]

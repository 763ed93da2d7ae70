"""Issue 10, finding 6: no-store on personal pages, Retry-After on 429, and guest order links that expire and
reveal nothing when decoded, with a fresh link by email (same answer whether or not the details match)."""
from __future__ import annotations

import base64
import re
import time

import pytest

from config import TestingConfig
from store.checkout import services as checkout
from store.extensions import db as _db
from store.orders.models import Order
from store.orders.services import order_token
from tests.factories import place_order as place
from tests.security.conftest import wait_for_mail

PASSWORD = "correct horse battery"


def _guest_order(app, shop, email="guest.buyer@example.com"):
    with app.test_request_context():
        order = place([(shop.roller, 1)], email=email)
        checkout.fulfil_order(order.id, checkout.PaymentData.demo(order), "test")
        order = _db.session.get(Order, order.id)
        return order.number, order_token(order)


# ---------------------------------------------------------------- Cache-Control

def test_personal_pages_are_no_store(app, client, shop, make_user, login_as):
    number, token = _guest_order(app, shop)
    anonymous = ["/account/login", "/account/register", "/account/reset", "/cart", "/checkout", "/orders/link",
                 f"/orders/view/{token}", "/account/register/sent"]
    for path in anonymous:
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    user = make_user("private@example.com", PASSWORD)
    login_as(client, user)
    for path in ["/account", "/account/orders", "/account/password", "/", f"/products/{shop.roller_slug}"]:
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    admin = make_user("boss@example.com", PASSWORD, role="admin")
    login_as(client, admin)
    assert client.get("/admin/").headers.get("Cache-Control") == "no-store"


def test_public_pages_stay_cacheable_for_visitors(client, shop):
    for path in ["/", f"/products/{shop.roller_slug}", "/robots.txt"]:
        assert "no-store" not in (client.get(path).headers.get("Cache-Control") or ""), path


# ---------------------------------------------------------------- 429

def test_rate_limited_answers_carry_retry_after(make_app):
    app = make_app(TestingConfig, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   RESET_RATE_LIMIT="1 per minute", ORDER_LINK_RATE_LIMIT="1 per hour")
    client = app.test_client()
    ip = {"REMOTE_ADDR": "10.9.8.7"}
    client.post("/account/reset", data={"email": "a@example.com"}, environ_base=ip)
    refused = client.post("/account/reset", data={"email": "a@example.com"}, environ_base=ip)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 61
    client.post("/orders/link", data={"number": "KW-AAAA-AAAA", "email": "a@example.com"}, environ_base=ip)
    refused = client.post("/orders/link", data={"number": "KW-AAAA-AAAA", "email": "a@example.com"},
                          environ_base=ip)
    assert refused.status_code == 429 and 60 < int(refused.headers["Retry-After"]) <= 3601


# ---------------------------------------------------------------- guest order links

def _decoded(token: str) -> str:
    payload = token.split(".")[0]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8", "replace")


def test_guest_link_reveals_nothing_when_decoded(app, shop):
    number, token = _guest_order(app, shop, email="very.private@example.com")
    text = _decoded(token)
    assert "very.private" not in text and "example.com" not in text and number not in text
    assert "very.private" not in token and number not in token
    # The payload is only the order's random view key: no row id, no number, no email.
    assert re.fullmatch(r'"[0-9a-f]{32}"', text), text


def test_guest_link_forged_with_the_old_scheme_or_the_development_key_is_refused(app, client, shop):
    from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
    number, _ = _guest_order(app, shop)
    with app.app_context():
        order_id = _db.session.scalar(_db.select(Order.id).where(Order.number == number))
    old = URLSafeSerializer(app.config["SECRET_KEY"], salt="kneadwell-order-view").dumps(
        {"n": number, "e": "guest.buyer@example.com"})
    dev = URLSafeTimedSerializer("dev-only-not-secret", salt="kneadwell.order-view.v2").dumps(order_id)
    for token in (old, dev, "garbage"):
        assert client.get(f"/orders/view/{token}").status_code == 404


def test_guest_link_expires(app, client, shop, monkeypatch):
    number, token = _guest_order(app, shop)
    assert number in client.get(f"/orders/view/{token}").get_data(as_text=True)
    import itsdangerous.timed
    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 91 * 24 * 3600)
    expired = client.get(f"/orders/view/{token}")
    page = client.get("/orders/link").get_data(as_text=True)
    monkeypatch.undo()
    assert expired.status_code == 302 and expired.location == "/orders/link"
    assert "That order link has expired" in page and number not in page


def test_fresh_link_by_email_same_answer_whether_or_not_it_matches(app, client, shop, smtp_server):
    number, _ = _guest_order(app, shop)
    wait_for_mail(smtp_server, "guest.buyer@example.com")  # the order confirmation
    smtp_server.messages.clear()
    answers = []
    for data in ({"number": number.lower(), "email": " Guest.Buyer@Example.com "},
                 {"number": number, "email": "intruder@example.com"},
                 {"number": "KW-2222-2222", "email": "guest.buyer@example.com"}):
        response = app.test_client().post("/orders/link", data=data)
        assert response.status_code == 303 and response.location == "/orders/link"
        answers.append(response)
    [mail] = wait_for_mail(smtp_server, "guest.buyer@example.com")
    assert wait_for_mail(smtp_server, "intruder@example.com", seconds=0.3) == []
    assert len(smtp_server.messages) == 1
    link = re.search(r"http://localhost(/orders/view/\S+)", smtp_server.text_of(mail)).group(1)
    assert number in smtp_server.text_of(mail) and "90 days" in smtp_server.text_of(mail)
    page = client.get(link)
    assert page.status_code == 200 and number in page.get_data(as_text=True)


@pytest.mark.parametrize("data", [{}, {"number": "", "email": ""}, {"number": "x" * 500, "email": "a@b.c"},
                                  {"number": "KW-1", "email": "y" * 5000}])
def test_fresh_link_form_bad_input_is_a_400(client, data):
    response = client.post("/orders/link", data=data)
    assert response.status_code == 400 and "Get a link to your order" in response.get_data(as_text=True)

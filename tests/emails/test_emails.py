"""Every transactional email: a plain-text part and an HTML part in the one shared layout, its CSS inlined
(css-inline), with what the buyer needs (lines, totals, address, the safety version acknowledged, a link to the
order, a carrier tracking link). Emails are produced by the real services and read from the outbox."""
from __future__ import annotations

import email
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from store import mail
from store.admin.orders import services as admin_orders
from store.carriers import tracking_url
from store.outbox.models import OutboxMessage
from tests.factories import make_disclaimers, make_product, pay_order, place_order

EMAILS = Path(__file__).resolve().parents[2] / "templates" / "emails"


def _row(db, kind: str) -> OutboxMessage:
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc()))
    assert row is not None, f"no {kind} email was queued"
    return row


def _assert_branded(row: OutboxMessage) -> None:
    html = row.body_html
    assert html and row.body_text.strip()
    assert 'class="masthead"' in html and "Kneadwell" in html          # the shared layout
    assert re.search(r'<td class="masthead" style="[^"]*background: #4f7a57', html)  # CSS inlined
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert all(s.strip().startswith("@media") for s in styles)        # only the media query stays a <style>
    assert 'href="http://localhost/contact"' in html                   # the footer links the help pages
    assert "<link" not in html and "<script" not in html               # nothing remote, nothing scripted


@pytest.fixture
def paid_order(db):
    make_disclaimers()
    product = make_product("Email Roller", variants=[{"sku": "ER-1", "on_hand": 10, "price_cents": 2400}])
    db.session.commit()
    order = place_order([(product.variants[0].id, 2)], email="robin@example.com")
    pay_order(order)
    db.session.expire_all()
    return order


def test_confirmation_has_lines_totals_address_safety_version_and_order_link(db, paid_order):
    row = _row(db, "order_confirmation")
    _assert_branded(row)
    html, text = row.body_html, row.body_text
    for part in (html, text):
        assert paid_order.number in part and "Email Roller" in part and "$48.00" in part
        assert "Robin Reader" in part and "12 Elm Street" in part and "Springfield" in part
        assert f"version {paid_order.disclaimer_version}" in part
    assert re.search(r'<a class="button" href="http://localhost/orders/[^"]+"[^>]*>See your order</a>', html)
    assert "Total paid" in html and "Subtotal" in html and "Shipping" in html


def test_shipped_email_links_the_carriers_tracking_page(db, paid_order):
    admin_orders.mark_shipped(paid_order.id, "UPS", "1Z 999 AA1", actor_id=None)
    row = _row(db, "order_shipped")
    _assert_branded(row)
    link = "https://www.ups.com/track?tracknum=1Z%20999%20AA1"
    assert f'href="{link}"' in row.body_html and "Track your parcel" in row.body_html
    assert link in row.body_text and "1Z 999 AA1" in row.body_text


def test_shipped_email_with_an_unknown_carrier_shows_the_number_without_a_link(db, paid_order):
    admin_orders.mark_shipped(paid_order.id, "Village Courier", "VC-77", actor_id=None)
    row = _row(db, "order_shipped")
    assert "VC-77" in row.body_html and "Track your parcel" not in row.body_html
    assert "Track your parcel" not in row.body_text


def test_refund_email(db, paid_order):
    admin_orders.refund(paid_order.id, 1000, "one roller came scratched", "email-test-1", actor_id=None)
    row = _row(db, "order_refunded")
    _assert_branded(row)
    assert "$10.00" in row.body_html and "one roller came scratched" in row.body_html
    assert "$10.00" in row.body_text


def test_cancellation_email(db):
    make_disclaimers()
    product = make_product("Cancel Ball", variants=[{"sku": "CX-1", "on_hand": 3}])
    db.session.commit()
    order = place_order([(product.variants[0].id, 1)], email="c@example.com")
    admin_orders.cancel(order.id, "You asked us to", actor_id=None)
    row = _row(db, "order_cancelled")
    _assert_branded(row)
    assert order.number in row.body_html and "You asked us to" in row.body_html and "Cancel Ball" in row.body_html


def test_password_reset_email(app, db, make_user, client):
    make_user("reset@example.com")
    client.post("/account/reset", data={"email": "reset@example.com"})
    row = _row(db, "password_reset")
    _assert_branded(row)
    assert re.search(r'<a class="button" href="http://localhost/account/reset/[^"]+"', row.body_html)
    assert "/account/reset/" in row.body_text


def test_contact_email_is_branded_too(db, client):
    from store.pages.seed import seed_pages
    seed_pages()
    db.session.commit()
    client.post("/contact", data={"name": "Ann", "email": "ann@example.com", "topic": "product",
                                  "message": "Is the oil unscented? Thank you."})
    _assert_branded(_row(db, "contact_message"))


def test_every_email_template_has_a_text_part_and_an_html_part_in_the_layout():
    """Emails added later (by any area) must come as .txt + .html extending the layout."""
    texts = {p.stem for p in EMAILS.glob("*.txt")}
    htmls = {p.stem for p in EMAILS.glob("*.html") if not p.name.startswith("_")}
    assert texts == htmls, f"emails without both parts: {sorted(texts ^ htmls)}"
    for stem in htmls:
        source = (EMAILS / f"{stem}.html").read_text()
        assert source.startswith('{% extends "emails/_layout.html" %}'), stem


def test_built_message_is_multipart_alternative_text_then_html(app):
    with app.app_context():
        html = mail.inline_css('<html><head><style>p { color: red; }</style></head><body><p>Hi</p></body></html>')
        message = mail.build_message("a@example.com", "Hello", "Hi in text", html)
    assert '<p style="color: red;">Hi</p>' in html
    parsed = email.message_from_bytes(message.as_bytes())
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.get_payload()] == ["text/plain", "text/html"]


@pytest.mark.parametrize("carrier,number,expected", [
    ("usps", "9400 1000", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400%201000"),
    ("Royal-Mail", "AB123456789GB", "https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB"),
    ("Fed Ex", "12/34", "https://www.fedex.com/fedextrack/?trknbr=12%2F34"),
    ("Someone else", "123", ""),
    ("UPS", "  ", ""),
])
def test_tracking_url_rules(app, carrier, number, expected):
    with app.app_context():
        assert tracking_url(carrier, number) == expected


def test_tracking_urls_can_be_configured(app):
    with app.app_context():
        app.config["CARRIER_TRACKING_URLS"] = {"Village Courier": "https://track.village.example/{number}"}
        try:
            assert tracking_url("village courier", "V 1") == "https://track.village.example/V%201"
        finally:
            app.config.pop("CARRIER_TRACKING_URLS")


def test_account_and_stock_emails_render_in_the_layout_too(app):
    """The emails no order test above produces: rendered with the context their services pass."""
    from datetime import date
    from types import SimpleNamespace

    from store.outbox import render_email
    item = SimpleNamespace(variant=SimpleNamespace(sku="LOW-1", product=SimpleNamespace(name="Low Roller"),
                                                   option_label="Standard", available=1),
                           threshold=3, days_left=2, days_left_label="2 days")
    cases = {
        "account_exists": dict(store_name="Kneadwell", sign_in_url="http://localhost/account/login",
                               reset_url="http://localhost/account/reset"),
        "registration_finish": dict(store_name="Kneadwell", name="Robin", hours=24,
                                    finish_url="http://localhost/account/register/finish/tok"),
        "order_link": dict(store_name="Kneadwell", number="KW-1", days=90, view_url="http://localhost/orders/v/x"),
        "low_stock": dict(store_name="Kneadwell", items=[item], today=date(2026, 12, 2),
                          dashboard_url="http://localhost/admin/"),
    }
    report = SimpleNamespace(contact_name="Robin", product_name="Warming Oil", reference="PR-7Q2K",
                             what_happened="Red skin after use.\nIt faded in an hour.", batch_lot="L-12",
                             order_number="KW-1")
    with app.test_request_context():
        text, html = render_email("problem_report_received", store_name="Kneadwell", report=report)
        _assert_branded(OutboxMessage(body_text=text, body_html=html))
        assert "PR-7Q2K" in html and "Red skin after use.<br>It faded in an hour." in html and "L-12" in html
        assert "PR-7Q2K" in text
    with app.test_request_context():
        for template, context in cases.items():
            text, html = render_email(template, **context)
            row = OutboxMessage(body_text=text, body_html=html)
            _assert_branded(row)
            link = next(v for k, v in context.items() if k.endswith("_url"))
            assert f'href="{link}"' in html and link in text, template

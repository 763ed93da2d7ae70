"""Problem reports: the form on product and order pages, stored for admins, a confirmation email through the
outbox, rate-limited, and listed in the back office."""
from __future__ import annotations

import re
import secrets

import pytest
from flask import g

from sqlalchemy import select

from config import TestingConfig
from store import create_app
from store.extensions import db as _db, limiter
from store.outbox.models import OutboxMessage
from store.safety.models import ProblemReport
from tests.admin.conftest import audit_rows
from tests.factories import make_disclaimers, make_product


def _csrf(html: str) -> str:
    """The form's CSRF token (TestingConfig turns CSRF off: then there is none to send)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def _form(client, product, **overrides):
    page = client.get(f"/report-a-problem?product={product.slug}").get_data(as_text=True)
    data = {"csrf_token": _csrf(page), "product_id": str(product.id), "what_happened": "Red rash after one use.",
            "batch_lot": "LOT 24-117", "order_number": "KW-ABCD-EFGH", "contact_name": "Rae",
            "contact_email": "Rae@Example.com", "contact_phone": ""}
    data.update(overrides)
    return data


def test_a_report_is_stored_and_confirmed_by_email(app, db, client):
    make_disclaimers()
    oil = make_product("Calm Oil", slug="calm-oil", kind="oil")
    db.session.commit()
    product_page = client.get("/products/calm-oil").get_data(as_text=True)
    assert 'href="/report-a-problem?product=calm-oil"' in product_page
    page = client.get("/report-a-problem?product=calm-oil").get_data(as_text=True)
    assert f'<option selected value="{oil.id}">Calm Oil</option>' in page
    response = client.post("/report-a-problem", data=_form(client, oil))
    assert response.status_code == 303
    report = db.session.scalar(select(ProblemReport))
    assert (report.product_id, report.product_name, report.batch_lot, report.contact_email, report.status) == (
        oil.id, "Calm Oil", "LOT 24-117", "rae@example.com", "new")
    message = db.session.scalar(select(OutboxMessage))
    assert message.recipient == "rae@example.com" and report.reference in message.subject
    assert "Red rash after one use." in message.body_text and "LOT 24-117" in message.body_text
    assert report.reference in client.get("/report-a-problem").get_data(as_text=True)


def test_a_report_needs_what_happened_and_an_email(app, db, client):
    make_disclaimers()
    oil = make_product("Calm Oil", slug="calm-oil", kind="oil")
    db.session.commit()
    response = client.post("/report-a-problem", data=_form(client, oil, what_happened=" ", contact_email="nope"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Tell us what happened." in html and "valid email" in html
    response = client.post("/report-a-problem", data=_form(client, oil, product_id="99999"))
    assert response.status_code == 400   # not a product on the list
    assert db.session.scalar(select(ProblemReport)) is None
    assert db.session.scalar(select(OutboxMessage)) is None


@pytest.fixture
def limited_app(app, database_url):
    """Another app on the test database with rate limits on (the limiter is shared: switched back after)."""
    extra = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                       RATELIMIT_STORAGE_URI="memory://", PROBLEM_REPORT_RATE_LIMIT="2 per hour")
    yield extra
    limiter.enabled = app.config.get("RATELIMIT_ENABLED", False)
    with extra.app_context():
        _db.engine.dispose()


def test_the_form_is_rate_limited(app, db, limited_app):
    oil = make_product("Calm Oil", slug="calm-oil", kind="oil")
    db.session.commit()
    client = limited_app.test_client()
    ip = "10.%d.%d.%d" % tuple(secrets.randbelow(250) + 1 for _ in range(3))
    codes = [client.post("/report-a-problem", data=_form(client, oil), environ_base={"REMOTE_ADDR": ip}).status_code
             for _ in range(3)]
    assert codes == [303, 303, 429]
    assert len(db.session.scalars(select(ProblemReport)).all()) == 2


def test_admins_list_and_handle_reports(app, db, client, admin_client):
    oil = make_product("Calm Oil", slug="calm-oil", kind="oil")
    db.session.commit()
    client.post("/report-a-problem", data=_form(client, oil))
    report = db.session.scalar(select(ProblemReport))
    g.pop("_login_user", None)   # the test's app context is shared with requests: forget the anonymous shopper
    listing = admin_client.get("/admin/compliance/reports").get_data(as_text=True)
    assert report.reference in listing and "LOT 24-117" in listing
    detail = admin_client.get(f"/admin/compliance/reports/{report.id}").get_data(as_text=True)
    assert "Red rash after one use." in detail and "rae@example.com" in detail
    page = admin_client.get(f"/admin/compliance/reports/{report.id}").get_data(as_text=True)
    response = admin_client.post(f"/admin/compliance/reports/{report.id}",
                                 data={"csrf_token": _csrf(page), "status": "reviewing"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProblemReport, report.id).status == "reviewing"
    assert audit_rows(db, "problem_report.status")[0].changes == {"status": ["new", "reviewing"]}
    assert admin_client.post(f"/admin/compliance/reports/{report.id}",
                             data={"csrf_token": _csrf(page), "status": "lost"}).status_code == 400
    assert admin_client.get("/admin/compliance/reports/99999").status_code == 404

"""Policy and help pages: shown from their current version, versioned from the back office (owner only),
linked from every page's footer and from checkout; the contact form stores and emails, refuses bad input,
drops honeypot submissions and is rate limited."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.outbox.models import OutboxMessage
from store.pages import services as pages
from store.pages.models import ContactMessage, PageVersion
from tests.admin.conftest import audit_rows
from tests.factories import make_disclaimers, make_product

POLICY_PATHS = ["/shipping", "/returns", "/privacy", "/terms", "/about", "/contact"]


@pytest.mark.parametrize("path", POLICY_PATHS)
def test_each_page_shows_its_demo_wording_and_version(client, seeded_pages, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    page = pages.current_page(path.strip("/"))
    assert f"<h1>{page.title}</h1>" in html and 'data-page-version="1"' in html
    assert f'<link rel="canonical" href="http://localhost{path}">' in html or 'rel="canonical"' in html
    # The Markdown is rendered, not shown raw.
    assert "## " not in html and "<h2>" in html or path in ("/about", "/contact")


def test_a_page_that_is_not_written_yet_is_a_404(client, db):
    assert client.get("/returns").status_code == 404
    assert client.get("/contact").status_code == 404
    assert client.get("/nonsense-page").status_code == 404


def test_every_page_footer_links_every_policy_page(client, seeded_pages, db):
    make_disclaimers()
    product = make_product("Footer Roller")
    db.session.commit()
    for path in ("/", "/products", f"/products/{product.slug}", "/guides", "/shipping", "/account/login"):
        html = client.get(path).get_data(as_text=True)
        footer = html[html.index('class="site-footer"'):]
        for link in POLICY_PATHS:
            assert f'href="{link}"' in footer, (path, link)
    # An error page (no database needed for the links) has them too.
    html = client.get("/no-such-page-here").get_data(as_text=True)
    assert 'href="/returns"' in html[html.index('class="site-footer"'):]


def test_checkout_links_terms_shipping_returns_and_privacy(client, seeded_pages, db):
    make_disclaimers()
    product = make_product("Checkout Ball", variants=[{"sku": "CB-1", "on_hand": 5}])
    db.session.commit()
    client.post("/cart/add", data={"variant_id": product.variants[0].id, "quantity": 1})
    html = client.get("/checkout").get_data(as_text=True)
    block = html[html.index("checkout__policies"):]
    block = block[:block.index("</p>")]
    for link in ("/terms", "/shipping", "/returns", "/privacy"):
        assert f'href="{link}"' in block


def test_owner_saves_a_new_version_and_the_old_one_stays_readable(admin_client, admin_user, seeded_pages, db):
    response = admin_client.post("/admin/pages/returns", data={
        "title": "Returns", "summary": "Sixty days now.", "body": "Send it back within **60 days**."})
    assert response.status_code == 302
    current = pages.current_page("returns")
    assert (current.version, current.title, current.created_by_id) == (2, "Returns", admin_user.id)
    html = admin_client.get("/returns").get_data(as_text=True)
    assert "<strong>60 days</strong>" in html and 'data-page-version="2"' in html
    history = admin_client.get("/admin/pages/returns/versions").get_data(as_text=True)
    assert "60 days" in history and "30 days" in history
    assert history.index('data-version="2"') < history.index('data-version="1"')
    entry = audit_rows(db, "page.new_version")[0]
    assert entry.changes["version"] == [1, 2]
    listing = admin_client.get("/admin/pages").get_data(as_text=True)
    assert 'data-slug="returns"' in listing and ">2<" in listing


def test_empty_page_text_is_refused_and_writes_nothing(admin_client, seeded_pages, db):
    response = admin_client.post("/admin/pages/terms", data={"title": "Terms", "summary": "", "body": "   "})
    assert response.status_code == 400 and "Enter the page&#39;s text." in response.get_data(as_text=True)
    assert [v.version for v in pages.page_history("terms")] == [1]
    assert admin_client.post("/admin/pages/unknown", data={"title": "x", "body": "y"}).status_code == 404


def test_markdown_in_a_page_is_sanitised(admin_client, seeded_pages, db):
    admin_client.post("/admin/pages/about", data={
        "title": "About", "summary": "", "body": "Hi <script>alert(1)</script> [x](javascript:alert(1))"})
    html = admin_client.get("/about").get_data(as_text=True)
    assert "<script>alert" not in html and 'href="javascript' not in html


def test_staff_may_read_pages_but_not_change_them(staff_client, seeded_pages, db):
    page = staff_client.get("/admin/pages/privacy")
    assert page.status_code == 200 and "data-needs-owner" in page.get_data(as_text=True)
    refused = staff_client.post("/admin/pages/privacy", data={"title": "Privacy", "body": "Changed"})
    assert refused.status_code == 403
    assert [v.version for v in pages.page_history("privacy")] == [1]


def test_sitemap_lists_the_policy_pages(client, seeded_pages):
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    for path in POLICY_PATHS:
        assert f"<loc>http://localhost{path}</loc>" in xml or f"{path}</loc>" in xml


# ---------------------------------------------------------------- the contact form

def _contact(client, **overrides):
    data = {"name": "Robin Reader", "email": "robin@example.com", "topic": "order", "order_number": "KW-1234",
            "message": "Where is my foam roller? It has been a week.", "website": ""}
    data.update(overrides)
    return client.post("/contact", data=data)


def test_contact_message_is_stored_and_emailed_to_the_shop(client, seeded_pages, db, app):
    response = _contact(client)
    assert response.status_code == 303
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your message is with us" in follow
    message = db.session.scalar(select(ContactMessage))
    assert (message.name, message.email, message.topic, message.order_number) == (
        "Robin Reader", "robin@example.com", "order", "KW-1234")
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "contact_message"))
    assert row.recipient == "shop@kneadwell.test"
    assert "Robin Reader" in row.subject and "robin@example.com" in row.body_text
    assert "Where is my foam roller?" in row.body_html and "KW-1234" in row.body_text


def test_contact_form_refuses_bad_input_and_stores_nothing(client, seeded_pages, db):
    for bad in ({"email": "not-an-email"}, {"name": ""}, {"message": "short"}, {"topic": "spam"}):
        response = _contact(client, **bad)
        assert response.status_code == 400, bad
        assert "error-summary" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ContactMessage.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_honeypot_submission_looks_sent_but_stores_and_sends_nothing(client, seeded_pages, db):
    response = _contact(client, website="http://spam.example")
    assert response.status_code == 303
    assert "your message is with us" in client.get("/contact").get_data(as_text=True)
    assert db.session.scalar(select(func.count(ContactMessage.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_contact_page_is_not_cached(client, seeded_pages):
    assert client.get("/contact").headers["Cache-Control"] == "no-store"


def test_contact_form_is_rate_limited(make_app, seeded_pages, db):
    limited = make_app("contact-limit", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                       CONTACT_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    env = {"REMOTE_ADDR": "198.51.100.77"}
    statuses = [client.post("/contact", data={"name": "Bot", "email": "bot@example.com", "topic": "other",
                                              "message": "Buy cheap things now please."},
                            environ_base=env).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert client.get("/contact", environ_base=env).status_code == 200   # reading the page is still fine
    assert client.post("/contact", data={}, environ_base={"REMOTE_ADDR": "198.51.100.78"}).status_code == 400
    assert db.session.scalar(select(func.count(ContactMessage.id))) == 2


def test_admin_lists_contact_messages(admin_client, client, seeded_pages, db):
    from flask import g
    _contact(client, name="Sam Sender", message="Do you ship to Canada? Thanks.")
    # The test's app context (the db fixture) is shared by both clients' requests: forget the shopper's user.
    g.pop("_login_user", None)
    html = admin_client.get("/admin/contact-messages").get_data(as_text=True)
    assert "Sam Sender" in html and "Do you ship to Canada?" in html


def test_page_version_body_cannot_be_blank_in_the_database(db):
    from sqlalchemy.exc import IntegrityError
    db.session.add(PageVersion(slug="terms", version=9, title="T", body="  "))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

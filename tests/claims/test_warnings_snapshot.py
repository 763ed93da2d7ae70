"""Warnings are versioned like disclaimers: each order line keeps the version and text its buyer saw, after the
product's warnings change; the order page and the admin order page show it; checkout lists key warnings."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from store.catalog.models import Product
from store.orders.models import Order
from tests.factories import make_disclaimers, make_product, place_order

FIRST = "Do not use over bruises.\nStop if pain increases."


def test_an_order_line_keeps_the_warnings_it_was_bought_with(app, db, admin_client, login_as, make_user):
    buyer = make_user("buyer@example.com")
    make_disclaimers()
    roller = make_product("Cedar Roller", slug="cedar-roller", warnings=FIRST)
    db.session.commit()
    assert roller.warnings_version == 1
    order = place_order([(roller.variants[0].id, 1)], email="buyer@example.com", user_id=buyer.id)
    db.session.commit()
    line = order.lines[0]
    assert (line.warnings_version, line.warnings_text) == (1, FIRST)

    # The owner changes the warnings in the back office: a new version; the order line keeps the old one.
    product = db.session.get(Product, roller.id)
    form = {"version": str(product.version), "name": product.name, "slug": product.slug, "kind": product.kind,
            "category_id": "0", "summary": product.summary, "description_md": product.description_md,
            "warnings": "Not for use on varicose veins.\n" + FIRST, "status": "active", "save": "Save product"}
    assert admin_client.post(f"/admin/products/{roller.id}", data=form).status_code == 302
    db.session.expire_all()
    product = db.session.get(Product, roller.id)
    assert product.warnings_version == 2
    # Saving the same text again (whitespace aside) is not a new version.
    form.update(version=str(product.version), warnings="  Not for use on varicose veins.\n\n" + FIRST + "\n")
    assert admin_client.post(f"/admin/products/{roller.id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Product, roller.id).warnings_version == 2
    history = admin_client.get(f"/admin/products/{roller.id}").get_data(as_text=True)
    assert 'data-warnings-version="2"' in history and "<strong>Version 1</strong>" in history
    kept = db.session.scalar(select(Order).where(Order.id == order.id)).lines[0]
    assert (kept.warnings_version, kept.warnings_text) == (1, FIRST)

    # A new order gets the new version.
    second = place_order([(roller.variants[0].id, 1)], email="buyer@example.com", user_id=buyer.id)
    db.session.commit()
    assert second.lines[0].warnings_version == 2 and "varicose" in second.lines[0].warnings_text

    # The buyer's order page and the admin order page show the snapshot, not today's text.
    customer = app.test_client()
    login_as(customer, buyer)
    g.pop("_login_user", None)   # the test's app context is shared with requests: forget the admin signed in
    response = customer.get(f"/account/orders/{order.number}")
    html = response.get_data(as_text=True)
    assert 'data-warnings-version="1"' in html and "Stop if pain increases." in html and "varicose" not in html
    assert "Report a problem" in html
    g.pop("_login_user", None)
    admin_html = admin_client.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert "Safety warnings the buyer saw" in admin_html and "warnings version 1" in admin_html
    assert "varicose" not in admin_html


def test_checkout_lists_each_products_key_warnings_beside_the_acknowledgment(app, db, client):
    make_disclaimers()
    oil = make_product("Nutty Oil", kind="oil", warnings="For external use only.\nContains tree nut oil.\nPatch test.")
    db.session.commit()
    assert client.post("/cart/add", data={"variant_id": oil.variants[0].id, "quantity": 1}).status_code == 302
    html = client.get("/checkout").get_data(as_text=True)
    section = html[html.index('id="acknowledgment"'):]
    section = section[:section.index("</fieldset>")]
    assert "Nutty Oil" in section and "<li>Contains tree nut oil.</li>" in section
    assert section.index("Contains tree nut oil.") < section.index("For external use only.")  # allergens first


def test_every_path_that_changes_the_text_bumps_the_version(app, db):
    product = make_product("Ash Ball", warnings="One.\nTwo.")
    db.session.commit()                      # attributes expire: the next change is compared with the stored text
    assert product.warnings_version == 1
    product.warnings = "One.\n\n  Two.  "    # the same lines: not a new version
    db.session.commit()
    assert product.warnings_version == 1
    product.warnings = "One.\nTwo.\nThree."
    db.session.commit()
    assert product.warnings_version == 2
    from store.safety.services import warnings_snapshot
    assert warnings_snapshot(product) == {"warnings_version": 2, "warnings_text": "One.\nTwo.\nThree."}
    db.session.expire_all()
    # Every version is kept, like a disclaimer's: newest first.
    assert [(v.version, v.text) for v in db.session.get(Product, product.id).warning_versions] == [
        (2, "One.\nTwo.\nThree."), (1, "One.\nTwo.")]

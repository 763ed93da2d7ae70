"""Products in the back office: create with a variant, edit, audit, activation rules, claims check,
optimistic locking, delete vs archive."""
from __future__ import annotations

from sqlalchemy import select

from store.admin.audit.models import AuditLog
from store.catalog.models import Product, Variant
from tests.admin.conftest import audit_rows
from tests.factories import make_category, make_disclaimers, make_product


def _new_product_form(**overrides):
    data = {"name": "Cedar Foot Roller", "slug": "", "kind": "tool", "category_id": "0",
            "summary": "A ridged cedar roller for the soles of the feet.",
            "description_md": "Roll it **slowly** under each foot.", "warnings": "", "status": "draft",
            "sku": "CED-ROLL", "option_label": "Standard", "price": "24.50", "opening_stock": "7",
            "save": "Save product"}
    data.update(overrides)
    return data


def _edit_form(product, **overrides):
    data = {"version": str(product.version), "name": product.name, "slug": product.slug, "kind": product.kind,
            "category_id": str(product.category_id or 0), "summary": product.summary,
            "description_md": product.description_md, "warnings": product.warnings, "status": product.status,
            "save": "Save product"}
    data.update(overrides)
    return data


def test_create_product_with_first_variant_opening_stock_and_audit(app, db, admin_client, admin_user):
    response = admin_client.post("/admin/products/new", data=_new_product_form())
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.slug == "cedar-foot-roller"))
    assert product.status == "draft" and product.description_html.strip() == "<p>Roll it <strong>slowly</strong> under each foot.</p>"
    variant = product.variants[0]
    assert (variant.sku, variant.price_cents, variant.on_hand) == ("CED-ROLL", 2450, 7)
    created = audit_rows(db, "product.create")
    assert len(created) == 1 and created[0].actor_id == admin_user.id
    assert created[0].changes["name"] == [None, "Cedar Foot Roller"]
    assert audit_rows(db, "variant.create")[0].changes["price_cents"] == [None, 2450]
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cedar Foot Roller" in page and "CED-ROLL" in page


def test_create_rejects_bad_price_and_duplicate_sku_without_writing(app, db, admin_client):
    make_disclaimers()
    make_product("Existing", variants=[{"sku": "TAKEN-1", "price_cents": 100}])
    db.session.commit()
    response = admin_client.post("/admin/products/new", data=_new_product_form(price="12.345"))
    assert response.status_code == 400 and "Enter an amount like 24.00" in response.get_data(as_text=True)
    response = admin_client.post("/admin/products/new", data=_new_product_form(sku="taken-1"))
    assert response.status_code == 400 and "already used" in response.get_data(as_text=True)
    assert db.session.scalar(select(Product).where(Product.name == "Cedar Foot Roller")) is None


def test_edit_records_before_and_after_of_changed_fields(app, db, admin_client):
    make_disclaimers()
    product = make_product("Calm Ball", summary="Old summary.")
    db.session.commit()
    response = admin_client.post(f"/admin/products/{product.id}", data=_edit_form(product, summary="New summary."))
    assert response.status_code == 302
    entry = audit_rows(db, "product.update")[-1]
    assert entry.changes == {"summary": ["Old summary.", "New summary."]}
    assert entry.object_type == "product" and entry.object_id == str(product.id)
    log = admin_client.get("/admin/audit?action=product.update").get_data(as_text=True)
    assert "Old summary." in log and "New summary." in log and "boss@kneadwell.test" in log


def test_activation_without_warnings_is_refused_with_a_form_error(app, db, admin_client):
    make_disclaimers()
    product = make_product("No Warnings Yet", status="draft", warnings="")
    db.session.commit()
    response = admin_client.post(f"/admin/products/{product.id}", data=_edit_form(product, status="active"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cannot be made active without safety warnings" in html and 'aria-invalid="true"' in html
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == "draft"
    # With warnings it goes live and shows in the shop with its safety block.
    response = admin_client.post(f"/admin/products/{product.id}",
                                 data=_edit_form(product, status="active", warnings="Not for use on broken skin."))
    assert response.status_code == 302
    shop = admin_client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert 'id="safety"' in shop and "Not for use on broken skin." in shop


def test_activation_without_a_picture_is_refused(app, db, admin_client):
    make_disclaimers()
    product = make_product("Pictureless", status="draft")
    product.images.clear()
    db.session.commit()
    response = admin_client.post(f"/admin/products/{product.id}", data=_edit_form(product, status="active"))
    assert response.status_code == 400 and "needs a picture" in response.get_data(as_text=True)


def test_markdown_preview_renders_sanitised_html_and_saves_nothing(app, db, admin_client):
    make_disclaimers()
    product = make_product("Preview Me", description="Old text.")
    db.session.commit()
    response = admin_client.post(f"/admin/products/{product.id}", data=_edit_form(
        product, description_md="## Care\n\n*Wipe* clean <script>alert(1)</script>", save="", preview="Preview"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h2>Care</h2>" in html and "<em>Wipe</em>" in html and "<script>alert(1)" not in html
    db.session.expire_all()
    assert db.session.get(Product, product.id).description_md == "Old text."


def test_second_admin_saving_a_stale_form_is_refused_and_overwrites_nothing(app, db, make_user, login_as):
    make_disclaimers()
    product = make_product("Shared Roller", summary="Original.")
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login_as(first, make_user(email="a1@kneadwell.test", role="admin"))
    login_as(second, make_user(email="a2@kneadwell.test", role="admin"))
    # Both open the edit page at the same version.
    for client in (first, second):
        assert f'name="version" type="hidden" value="{product.version}"' in client.get(
            f"/admin/products/{product.id}").get_data(as_text=True)
    opened, opened_version = _edit_form(product), product.version
    assert first.post(f"/admin/products/{product.id}", data=dict(opened, summary="First admin's words.")).status_code == 302
    response = second.post(f"/admin/products/{product.id}", data=dict(opened, summary="Second admin's words."))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This product was changed by someone else since you opened it" in html
    db.session.expire_all()
    saved = db.session.get(Product, product.id)
    assert saved.summary == "First admin's words." and saved.version == opened_version + 1
    assert len(audit_rows(db, "product.update")) == 1


def test_claims_in_product_copy_need_an_override_with_a_reason_and_evidence(app, db, admin_client):
    make_disclaimers()
    product = make_product("Plain Ball", summary="A firm ball.")
    db.session.commit()
    claim = "This ball relieves pain and is anti-inflammatory."
    response = admin_client.post(f"/admin/products/{product.id}", data=_edit_form(product, summary=claim))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "makes health or regulatory claims" in html and "<mark>relieves pain</mark>" in html
    assert "<mark>anti-inflammatory</mark>" in html and "intended-use rule" in html
    # Ticking the override without a reason or evidence is not enough.
    response = admin_client.post(f"/admin/products/{product.id}",
                                 data=_edit_form(product, summary=claim, claims_override="y"))
    assert response.status_code == 400 and "Give a reason" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/products/{product.id}", data=_edit_form(
        product, summary=claim, claims_override="y", claims_reason="Quoting the supplier's test report",
        claims_evidence="https://example.com/our-blog"))
    assert response.status_code == 400 and "PubMed link or ID" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Product, product.id).summary == "A firm ball."
    response = admin_client.post(f"/admin/products/{product.id}", data=_edit_form(
        product, summary=claim, claims_override="y", claims_reason="Quoting the supplier's test report",
        claims_evidence="doi:10.1016/j.foot.2014.03.005"))
    assert response.status_code == 302
    entry = audit_rows(db, "product.update")[-1]
    assert entry.reason == "Quoting the supplier's test report"
    assert entry.changes["claims_override"] == [None, ["anti-inflammatory", "relieves pain"]]
    assert entry.changes["claims_evidence"] == [None, "https://doi.org/10.1016/j.foot.2014.03.005"]
    assert entry.changes["summary"] == ["A firm ball.", claim]
    # The override covers this text: saving it again needs no new override.
    db.session.expire_all()
    saved = db.session.get(Product, product.id)
    response = admin_client.post(f"/admin/products/{product.id}", data=_edit_form(saved, summary=claim))
    assert response.status_code == 302


def test_claim_free_copy_saves_without_override(app, db, admin_client):
    make_disclaimers()
    product = make_product("Plain Roller")
    db.session.commit()
    response = admin_client.post(f"/admin/products/{product.id}",
                                 data=_edit_form(product, summary="Treat yourself to a slow evening roll."))
    assert response.status_code == 302


def test_variants_add_and_edit_with_audit(app, db, admin_client):
    make_disclaimers()
    product = make_product("Two Sizes", variants=[{"sku": "TS-S", "price_cents": 1000}])
    db.session.commit()
    response = admin_client.post(f"/admin/products/{product.id}/variants", data={
        "new-sku": "TS-L", "new-option_label": "Large", "new-price": "15", "new-compare_at": "18.00",
        "new-weight_grams": "300", "new-low_stock_threshold": "2", "new-opening_stock": "4", "new-is_active": "y"})
    assert response.status_code == 302
    large = db.session.scalar(select(Variant).where(Variant.sku == "TS-L"))
    assert (large.price_cents, large.compare_at_cents, large.on_hand, large.weight_grams) == (1500, 1800, 4, 300)
    small = product.variants[0]
    response = admin_client.post(f"/admin/products/{product.id}/variants/{small.id}", data={
        f"v{small.id}-sku": "TS-S", f"v{small.id}-option_label": "Small", f"v{small.id}-price": "9.99",
        f"v{small.id}-compare_at": "", f"v{small.id}-weight_grams": "0", f"v{small.id}-low_stock_threshold": "3",
        f"v{small.id}-is_active": "y"})
    assert response.status_code == 302
    entry = audit_rows(db, "variant.update")[-1]
    assert entry.changes["price_cents"] == [1000, 999] and entry.changes["option_label"] == ["Standard", "Small"]
    # Bad price: a form error on that variant, nothing changes.
    response = admin_client.post(f"/admin/products/{product.id}/variants/{small.id}", data={
        f"v{small.id}-sku": "TS-S", f"v{small.id}-price": "-3", f"v{small.id}-is_active": "y"})
    assert response.status_code == 400 and "Enter an amount" in response.get_data(as_text=True)


def test_product_list_search_filters_and_pagination(app, db, admin_client):
    make_disclaimers()
    oils = make_category("Oils", slug="oils")
    make_product("Lavender Oil", category=oils, variants=[{"sku": "OIL-LAV", "on_hand": 50}])
    make_product("Foam Roller", variants=[{"sku": "ROLL-1", "on_hand": 1}])
    make_product("Draft Thing", status="draft", variants=[{"sku": "DR-1", "on_hand": 20}])
    for n in range(26):
        make_product(f"Bulk Item {n:02d}", variants=[{"sku": f"BULK-{n}", "on_hand": 20}])
    db.session.commit()

    def rows(query):
        html = admin_client.get("/admin/products" + query).get_data(as_text=True)
        return html
    assert "Lavender Oil" in rows("?q=oil-lav") and "Foam Roller" not in rows("?q=oil-lav")
    assert "Lavender Oil" in rows(f"?category={oils.id}") and "Foam Roller" not in rows(f"?category={oils.id}")
    html = rows("?status=draft")
    assert "Draft Thing" in html and "Lavender Oil" not in html
    html = rows("?low_stock=1")
    assert "Foam Roller" in html and "Lavender Oil" not in html
    first = rows("")
    assert "29 products" in first and 'rel="next"' in first
    assert "Lavender Oil" in rows("?page=2") or "Lavender Oil" in first


def test_delete_unreferenced_product_but_archive_one_in_orders(app, db, admin_client):
    from store.orders.models import Order, OrderLine
    make_disclaimers()
    lonely = make_product("Never Sold")
    sold = make_product("Sold Once")
    order = Order(number="KW-TEST-0001", email="buyer@example.com", state="paid", total_cents=1999,
                  paid_cents=1999, subtotal_cents=1999)
    order.lines.append(OrderLine(variant_id=sold.variants[0].id, product_name=sold.name, sku=sold.variants[0].sku,
                                 unit_price_cents=1999, quantity=1, line_total_cents=1999))
    db.session.add(order)
    db.session.commit()
    lonely_id, sold_id = lonely.id, sold.id
    assert admin_client.post(f"/admin/products/{lonely_id}/delete").status_code == 302
    response = admin_client.post(f"/admin/products/{sold_id}/delete", follow_redirects=True)
    assert "archived instead of deleted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Product, lonely_id) is None
    assert db.session.get(Product, sold_id).status == "archived"
    assert admin_client.get(f"/products/{sold.slug}").status_code == 404
    actions = [e.action for e in audit_rows(db)]
    assert "product.delete" in actions and "product.archive" in actions


def test_audit_viewer_filters_by_actor_action_type_and_date(app, db, admin_client, admin_user, make_user):
    from datetime import datetime
    other = make_user(email="other@kneadwell.test", role="admin")
    db.session.add_all([
        AuditLog(actor_id=admin_user.id, action="product.update", object_type="product", object_id="1",
                 changes={"name": ["A", "B"]}, created_at=datetime(2026, 1, 5, 12)),
        AuditLog(actor_id=other.id, action="stock.adjust", object_type="variant", object_id="9",
                 changes={"on_hand": [1, 5]}, created_at=datetime(2026, 2, 5, 12)),
    ])
    db.session.commit()
    get = lambda q: admin_client.get("/admin/audit" + q).get_data(as_text=True)  # noqa: E731
    assert 'data-audit-action="stock.adjust"' not in get(f"?actor={admin_user.id}")
    assert 'data-audit-action="product.update"' not in get("?action=stock.adjust")
    assert 'data-audit-action="stock.adjust"' in get("?object_type=variant")
    html = get("?from=2026-02-01&to=2026-02-28")
    assert 'data-audit-action="stock.adjust"' in html and 'data-audit-action="product.update"' not in html
    assert admin_client.get("/admin/audit?from=notadate&page=x").status_code == 200

"""Issue 16: categories in the back office (create, rename, hide, delete rules, old-slug redirect) and bulk
actions on the product list."""
from __future__ import annotations

from sqlalchemy import select

from store.catalog.models import Category, Product
from tests.admin.conftest import audit_rows
from tests.factories import make_category, make_disclaimers, make_product


import pytest


@pytest.fixture(autouse=True)
def _disclaimers(db):
    make_disclaimers()
    db.session.commit()


def _html(response):
    return response.get_data(as_text=True)


def test_create_rename_keeps_slug_and_hide(app, db, admin_client):
    response = admin_client.post("/admin/categories", data={"name": "Foot Rollers", "description": "Roll.",
                                                            "position": "3"})
    assert response.status_code == 302
    category = db.session.scalar(select(Category).where(Category.name == "Foot Rollers"))
    assert category.slug == "foot-rollers" and category.position == 3
    make_product("Spiky Ball", category=category)
    db.session.commit()
    assert "Spiky Ball" in _html(admin_client.get("/products?category=foot-rollers"))

    response = admin_client.post(f"/admin/categories/{category.id}",
                                 data={"name": "Feet", "description": "New words", "position": "1",
                                       "slug": "foot-rollers"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (category.name, category.slug, category.description) == ("Feet", "foot-rollers", "New words")
    assert [r.changes["name"] for r in audit_rows(db, "category.update")] == [["Foot Rollers", "Feet"]]

    # Hidden: gone from the shop front list, the home page and the sitemap; the product keeps its page.
    assert "Feet" in _html(admin_client.get("/products"))
    admin_client.post(f"/admin/categories/{category.id}", data={"name": "Feet", "slug": "foot-rollers",
                                                                "position": "1", "hidden": "y"})
    db.session.expire_all()
    assert category.hidden is True
    client = app.test_client()
    listing = _html(client.get("/products"))
    assert "foot-rollers" not in listing and ">Feet<" not in listing
    assert "foot-rollers" not in _html(client.get("/"))
    assert "foot-rollers" not in _html(client.get("/sitemap.xml"))
    assert client.get("/products/" + db.session.scalar(select(Product.slug).where(
        Product.name == "Spiky Ball"))).status_code == 200


def test_visible_category_is_in_the_sitemap(app, db):
    make_category("Oils", slug="oils")
    db.session.commit()
    assert "/products?category=oils" in _html(app.test_client().get("/sitemap.xml"))


def test_changed_slug_redirects_301(app, db, admin_client):
    category = make_category("Balls", slug="balls")
    make_product("Lacrosse Ball", category=category)
    db.session.commit()
    response = admin_client.post(f"/admin/categories/{category.id}",
                                 data={"name": "Balls", "slug": "massage-balls", "position": "0"})
    assert response.status_code == 302
    client = app.test_client()
    old = client.get("/products?category=balls&sort=name")
    assert old.status_code == 301
    assert "category=massage-balls" in old.headers["Location"] and "sort=name" in old.headers["Location"]
    assert "Lacrosse Ball" in _html(client.get(old.headers["Location"]))
    # A slug taken (or once taken) by another category is refused with a message, not a 500.
    other = make_category("Other", slug="other")
    db.session.commit()
    response = admin_client.post(f"/admin/categories/{other.id}", data={"name": "Other", "slug": "balls"})
    assert response.status_code == 400 and "already used" in _html(response)
    response = admin_client.post(f"/admin/categories/{other.id}", data={"name": "Other", "slug": "Bad Slug!"})
    assert response.status_code == 400 and "lower-case" in _html(response)


def test_category_with_products_cannot_be_deleted_empty_one_can(app, db, admin_client):
    full = make_category("Full")
    make_product("Kept", category=full)
    empty = make_category("Empty")
    db.session.commit()
    full_id, empty_id = full.id, empty.id
    response = admin_client.post(f"/admin/categories/{full_id}/delete", follow_redirects=True)
    assert "cannot be deleted" in _html(response) and "Hide it instead" in _html(response)
    assert db.session.get(Category, full_id) is not None
    admin_client.post(f"/admin/categories/{empty_id}/delete")
    db.session.expire_all()
    assert db.session.get(Category, empty_id) is None
    assert len(audit_rows(db, "category.delete")) == 1


def test_bulk_publish_names_the_product_without_warnings(app, db, admin_client):
    ok = make_product("Ready Roller", status="draft")
    bad = make_product("Unsafe Roller", status="draft", warnings="")
    db.session.commit()
    response = admin_client.post("/admin/products/bulk", data={"action": "publish", "category_id": "0",
                                                               "product_id": [str(ok.id), str(bad.id)]},
                                 follow_redirects=True)
    html = _html(response)
    assert "Unsafe Roller" in html and "without safety warnings" in html
    db.session.expire_all()
    assert (ok.status, bad.status) == ("active", "draft")
    rows = audit_rows(db, "product.update")
    assert [(r.object_id, r.changes) for r in rows] == [(str(ok.id), {"status": ["draft", "active"]})]


def test_bulk_archive_and_move(app, db, admin_client):
    a, b = make_product("Alpha"), make_product("Beta")
    target = make_category("Target")
    db.session.commit()
    admin_client.post("/admin/products/bulk", data={"action": "move", "category_id": str(target.id),
                                                    "product_id": [str(a.id), str(b.id)]})
    db.session.expire_all()
    assert a.category_id == b.category_id == target.id
    assert len(audit_rows(db, "product.update")) == 2
    admin_client.post("/admin/products/bulk", data={"action": "archive", "category_id": "0",
                                                    "product_id": [str(a.id)]})
    db.session.expire_all()
    assert (a.status, b.status) == ("archived", "active")


def test_bulk_bad_input_is_a_message(app, db, admin_client):
    response = admin_client.post("/admin/products/bulk", data={"action": "explode"}, follow_redirects=True)
    assert response.status_code == 200 and "Choose an action" in _html(response)
    response = admin_client.post("/admin/products/bulk", data={"action": "publish", "category_id": "0"},
                                 follow_redirects=True)
    assert "Tick at least one product" in _html(response)
    response = admin_client.post("/admin/products/bulk", data={"action": "publish", "category_id": "0",
                                                               "product_id": "999999"}, follow_redirects=True)
    assert "no longer exist" in _html(response)

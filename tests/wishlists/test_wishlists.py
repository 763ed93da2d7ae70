"""Wishlists: save from the product page and the cart, move to cart, remove; every action owner-scoped."""
from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from store.cart.models import Cart, CartLine
from store.extensions import db as _db
from store.wishlists.models import WishlistItem
from tests.factories import make_disclaimers, make_product


@pytest.fixture
def shop(app, db):
    make_disclaimers()
    roller = make_product("Foam Roller", slug="foam-roller", variants=[{"sku": "FR-1", "on_hand": 5}])
    gone = make_product("Old Ball", slug="old-ball", variants=[{"sku": "OB-1", "on_hand": 0}])
    _db.session.commit()
    return roller, gone


def _switch(client, login_as, user):
    g.pop("_login_user", None)  # the test's app context outlives each request
    login_as(client, user)


def _items(user_id):
    _db.session.expire_all()
    return list(_db.session.scalars(select(WishlistItem).where(WishlistItem.user_id == user_id)))


def test_guests_are_sent_to_sign_in(shop, client):
    roller, _ = shop
    assert client.get("/wishlist").status_code == 302
    response = client.post("/wishlist/add", data={"variant_id": roller.variants[0].id})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _db.session.scalars(select(WishlistItem)).all() == []


def test_save_move_to_cart_and_remove(shop, client, make_user, login_as):
    roller, gone = shop
    user = make_user("me@example.com")
    _switch(client, login_as, user)
    page = client.get("/products/foam-roller").get_data(as_text=True)
    assert "Save to wishlist" in page
    client.post("/wishlist/add", data={"variant_id": roller.variants[0].id, "next": "/products/foam-roller"})
    client.post("/wishlist/add", data={"variant_id": roller.variants[0].id})  # twice: one item
    client.post("/wishlist/add", data={"variant_id": gone.variants[0].id})
    items = _items(user.id)
    assert len(items) == 2
    assert "Saved to your wishlist" in client.get("/products/foam-roller").get_data(as_text=True)
    listing = client.get("/wishlist").get_data(as_text=True)
    assert "Foam Roller" in listing and "Old Ball" in listing
    by_sku = {i.variant.sku: i.id for i in items}
    # a sold-out option cannot move: it stays saved
    client.post(f"/wishlist/{by_sku['OB-1']}/move-to-cart")
    assert {i.variant.sku for i in _items(user.id)} == {"FR-1", "OB-1"}
    response = client.post(f"/wishlist/{by_sku['FR-1']}/move-to-cart")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    assert {i.variant.sku for i in _items(user.id)} == {"OB-1"}
    cart = _db.session.scalars(select(Cart).where(Cart.user_id == user.id)).one()
    assert [(ln.variant.sku, ln.quantity) for ln in cart.lines] == [("FR-1", 1)]
    # save for later from the cart: leaves the cart, lands on the wishlist
    line_id = cart.lines[0].id
    assert "Save for later" in client.get("/cart").get_data(as_text=True)
    client.post(f"/cart/lines/{line_id}/save-for-later")
    _db.session.expire_all()
    assert _db.session.get(CartLine, line_id) is None
    assert {i.variant.sku for i in _items(user.id)} == {"FR-1", "OB-1"}
    client.post(f"/wishlist/{by_sku['OB-1']}/remove")
    assert {i.variant.sku for i in _items(user.id)} == {"FR-1"}


def test_another_customers_items_are_404(shop, client, make_user, login_as):
    roller, _ = shop
    owner, other = make_user("owner@example.com"), make_user("other@example.com")
    _switch(client, login_as, owner)
    client.post("/wishlist/add", data={"variant_id": roller.variants[0].id})
    item_id = _items(owner.id)[0].id
    _switch(client, login_as, other)
    assert client.post(f"/wishlist/{item_id}/remove").status_code == 404
    assert client.post(f"/wishlist/{item_id}/move-to-cart").status_code == 404
    assert "Foam Roller" not in client.get("/wishlist").get_data(as_text=True)
    assert len(_items(owner.id)) == 1
    assert client.post("/cart/lines/999999/save-for-later").status_code == 404
    assert client.post("/wishlist/add", data={"variant_id": "abc"}).status_code == 400

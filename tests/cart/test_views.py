"""Cart pages through the test client: adding, bad input, ownership, stock notes, query counts, commands."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from store.cart import services as cart_services
from store.cart.models import Cart, CartLine
from store.catalog.models import ProductStatus, Variant
from store.extensions import db as _db
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from store.util import utcnow
from tests.factories import make_disclaimers, make_product


@pytest.fixture
def shop(app):
    """Three sellable variants plus ones that cannot be sold; returns a dict of ids and slugs."""
    with app.app_context():
        make_disclaimers()
        roller = make_product("Foam Roller", variants=[{"price_cents": 2500, "on_hand": 20}])
        ball = make_product("Massage Ball", variants=[{"price_cents": 900, "on_hand": 3}])
        oil = make_product("Warming Oil", kind="oil", variants=[{"price_cents": 1500, "on_hand": 8, "label": "100 ml"}])
        archived = make_product("Old Cane", status=ProductStatus.ARCHIVED)
        draft = make_product("Secret Draft", status=ProductStatus.DRAFT)
        sold_out = make_product("Sold Out Pack", variants=[{"on_hand": 0}])
        _db.session.commit()
        data = {name: p.variants[0].id for name, p in
                [("roller", roller), ("ball", ball), ("oil", oil), ("archived", archived), ("draft", draft),
                 ("sold_out", sold_out)]}
        data["roller_slug"] = roller.slug
        return data


def _lines(app, **where) -> dict[int, int]:
    with app.app_context():
        stmt = select(CartLine.variant_id, CartLine.quantity).join(Cart)
        for key, value in where.items():
            stmt = stmt.where(getattr(Cart, key) == value)
        return dict(_db.session.execute(stmt).all())


def _all_lines(app) -> dict[int, int]:
    with app.app_context():
        return dict(_db.session.execute(select(CartLine.variant_id, CartLine.quantity)).all())


def test_add_from_product_page_shows_line_subtotal_and_header_count(client, shop):
    page = client.get(f"/products/{shop['roller_slug']}").get_data(as_text=True)
    assert 'action="/cart/add"' in page and f'name="variant_id" value="{shop["roller"]}"' in page

    response = client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "2"})
    assert response.status_code == 302 and response.location.endswith("/cart")
    html = client.get("/cart").get_data(as_text=True)
    assert "Added 2 × Foam Roller to your cart." in html
    assert "Foam Roller" in html and "$50.00" in html  # line total and subtotal
    assert 'data-cart-count>2<' in html
    # The header count on other pages comes from the database too.
    assert 'data-cart-count>2<' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("variant_key,quantity,message", [
    ("roller", "0", "at least 1"),
    ("roller", "-3", "at least 1"),
    ("roller", str(10**9), "at most 10"),
    ("roller", "abc", "whole number"),
    ("roller", "", "whole number"),
    ("roller", "9", "at most 10"),            # 2 already in the cart + 9 > 10
    ("ball", "4", "Only 3"),
    (None, "1", "could not find"),            # unknown variant id
    ("text", "1", "could not find"),
    ("archived", "1", "no longer available"),
    ("draft", "1", "no longer available"),
    ("sold_out", "1", "out of stock"),
])
def test_bad_add_gives_message_and_leaves_cart_unchanged(client, shop, app, variant_key, quantity, message):
    client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "2"})
    before = _all_lines(app)
    variant_id = {"text": "abc", None: "999999"}.get(variant_key) or shop[variant_key]
    response = client.post("/cart/add", data={"variant_id": variant_id, "quantity": quantity,
                                              "next": f"/products/{shop['roller_slug']}"})
    assert response.status_code == 302
    assert response.location.endswith(f"/products/{shop['roller_slug']}")  # back to where the form was
    html = client.get(response.location).get_data(as_text=True)
    assert message in html
    assert _all_lines(app) == before


def test_bad_add_by_new_visitor_creates_no_cart(client, shop, app):
    response = client.post("/cart/add", data={"variant_id": shop["sold_out"], "quantity": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert _db.session.scalar(select(Cart.id)) is None


def test_next_must_be_local(client, shop):
    response = client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "0",
                                              "next": "https://evil.example/"})
    assert response.location.endswith("/cart")


def test_update_remove_clear(client, shop, app):
    client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "1"})
    client.post("/cart/add", data={"variant_id": shop["oil"], "quantity": "1"})
    with app.app_context():
        roller_line = _db.session.scalar(select(CartLine.id).where(CartLine.variant_id == shop["roller"]))
        oil_line = _db.session.scalar(select(CartLine.id).where(CartLine.variant_id == shop["oil"]))

    response = client.post(f"/cart/lines/{roller_line}", data={"quantity": "4"}, follow_redirects=True)
    assert "quantity is now 4" in response.get_data(as_text=True)
    assert _all_lines(app) == {shop["roller"]: 4, shop["oil"]: 1}

    for bad, message in [("0", "at least 1"), ("-3", "at least 1"), ("abc", "whole number"),
                         (str(10**9), "at most 10")]:
        response = client.post(f"/cart/lines/{roller_line}", data={"quantity": bad}, follow_redirects=True)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _all_lines(app) == {shop["roller"]: 4, shop["oil"]: 1}

    html = client.post(f"/cart/lines/{oil_line}/remove", follow_redirects=True).get_data(as_text=True)
    assert "Removed from your cart." in html and "Warming Oil" not in html.split("<main")[1]
    assert _all_lines(app) == {shop["roller"]: 4}

    html = client.post("/cart/clear", follow_redirects=True).get_data(as_text=True)
    assert "Your cart is empty." in html
    assert _all_lines(app) == {}


def test_another_users_line_is_404_and_untouched(app, client, shop, make_user, login_as):
    owner = make_user("owner@example.com")
    other = make_user("other@example.com")
    owner_client = app.test_client()
    login_as(owner_client, owner)
    owner_client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "3"})
    with app.app_context():
        owner_line = _db.session.scalar(select(CartLine.id))

    login_as(client, other)
    client.post("/cart/add", data={"variant_id": shop["oil"], "quantity": "1"})  # other has a cart too
    for url, data in [(f"/cart/lines/{owner_line}", {"quantity": "1"}),
                      (f"/cart/lines/{owner_line}", {"remove": "1"}),
                      (f"/cart/lines/{owner_line}/remove", {}),
                      (f"/cart/lines/{owner_line}/adjust", {})]:
        assert client.post(url, data=data).status_code == 404
    # A guest without any cart gets the same 404.
    assert app.test_client().post(f"/cart/lines/{owner_line}/remove").status_code == 404
    assert app.test_client().post("/cart/lines/abc/remove").status_code == 404
    with app.app_context():
        owner_id = owner.id
    assert _lines(app, user_id=owner_id) == {shop["roller"]: 3}


def test_price_change_and_low_stock_notes_with_one_click_adjust(client, shop, app):
    client.post("/cart/add", data={"variant_id": shop["ball"], "quantity": "3"})
    with app.app_context():
        _db.session.get(Variant, shop["ball"]).price_cents = 1100
        _db.session.commit()
        inventory.adjust(shop["ball"], -2, MovementKind.DAMAGED)
        _db.session.commit()
        line_id = _db.session.scalar(select(CartLine.id))
    html = client.get("/cart").get_data(as_text=True)
    assert "Price changed since you added it (was $9.00)" in html
    assert "Only 1 left" in html and "Adjust to 1" in html
    assert "$33.00" in html  # 3 × the current price, not the old one

    html = client.post(f"/cart/lines/{line_id}/adjust", follow_redirects=True).get_data(as_text=True)
    assert "Quantity adjusted to 1" in html and "Only 1 left" not in html
    assert _all_lines(app) == {shop["ball"]: 1}


def test_archived_after_adding_offers_removal(client, shop, app):
    client.post("/cart/add", data={"variant_id": shop["oil"], "quantity": "1"})
    with app.app_context():
        _db.session.get(Variant, shop["oil"]).product.status = ProductStatus.ARCHIVED
        _db.session.commit()
        line_id = _db.session.scalar(select(CartLine.id))
    html = client.get("/cart").get_data(as_text=True)
    assert "No longer available." in html
    client.post(f"/cart/lines/{line_id}/adjust")
    assert _all_lines(app) == {}


def test_add_many_from_a_guide(client, shop, app):
    client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "1"})
    response = client.post("/cart/add-many", data={"variant_id": [shop["roller"], shop["oil"], shop["sold_out"]]},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Added 1 item to your cart: Warming Oil (100 ml)." in html
    assert "already in your cart" in html and "out of stock" in html
    assert _all_lines(app) == {shop["roller"]: 1, shop["oil"]: 1}
    html = client.post("/cart/add-many", data={}, follow_redirects=True).get_data(as_text=True)
    assert "There was nothing to add." in html


def test_json_add_for_the_script_returns_count(client, shop):
    response = client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "2"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["count"] == 2
    response = client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "abc"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and "whole number" in response.json["message"]


def test_cart_page_query_count_is_fixed_as_lines_grow(app, client, count_queries, make_user, login_as):
    user = make_user()
    with app.app_context():
        make_disclaimers()
        variant_ids = [make_product(f"Tool {i}").variants[0].id for i in range(15)]
        _db.session.commit()
    login_as(client, user)

    def measure():
        with count_queries() as counter:
            response = client.get("/cart")
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    client.post("/cart/add", data={"variant_id": variant_ids[0], "quantity": "1"})
    one, html = measure()
    assert html.count("data-line=") == 1
    for vid in variant_ids[1:]:
        client.post("/cart/add", data={"variant_id": vid, "quantity": "1"})
    fifteen, html = measure()
    assert html.count("data-line=") == 15
    print(f"cart page queries: 1 line={one}, 15 lines={fifteen}")
    assert one == fifteen
    # user, cart, lines, variants+products, images, the cart's order awaiting payment (+ nothing for the header)
    # and the units that order holds; then the estimate: the customer's addresses (for the default country),
    # the shipping countries, the zone with its methods, and the tax rule
    assert fifteen <= 12


def test_mini_cart_count_costs_nothing_without_a_cart(app, client, shop, count_queries):
    with count_queries() as counter:
        client.get("/cart")
    assert not any("cart" in s.lower() for s in counter.statements)
    client.post("/cart/add", data={"variant_id": shop["roller"], "quantity": "1"})
    with count_queries() as counter:
        html = client.get("/").get_data(as_text=True)
    assert sum("cart_lines" in s for s in counter.statements) == 1
    assert "data-cart-count>1<" in html


def test_purge_carts_command(app, shop, make_user):
    user = make_user()
    with app.app_context():
        old = cart_services.get_or_create_cart(None, "old-guest")
        cart_services.add_item(old, shop["roller"], 1, 10)
        recent = cart_services.get_or_create_cart(None, "recent-guest")
        mine = cart_services.get_or_create_cart(user.id, None)
        old.updated_at = mine.updated_at = utcnow() - timedelta(days=31)
        recent.updated_at = utcnow() - timedelta(days=5)
        _db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-carts"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 guest cart untouched for more than 30 days." in result.output
    result = runner.invoke(args=["purge-carts", "--days", "3"])
    assert "Deleted 1 guest cart" in result.output
    with app.app_context():
        assert list(_db.session.scalars(select(Cart.user_id))) == [user.id]
    assert runner.invoke(args=["purge-carts", "--days", "-1"]).exit_code != 0

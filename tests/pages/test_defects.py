"""Small defects from issue 14: create-admin and special-use domains, the confirmation page's wording, pages past
the last answering 404 (guides list, order history, admin lists)."""
from __future__ import annotations

import pytest

from store.accounts import services as accounts
from tests.factories import make_disclaimers, make_product, pay_order, place_order

PASSWORD = "a strong admin phrase"


def test_create_admin_accepts_the_stores_own_test_domain_outside_production(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "admin@kneadwell.test"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Created admin admin@kneadwell.test" in result.output
    # ...and that admin can sign in through the form.
    response = client.post("/account/login", data={"email": "Admin@Kneadwell.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("address", ["owner@shop.local", "owner@localhost", "x@lab.internal"])
def test_other_special_use_domains_are_accepted_for_admins_outside_production(app, db, address):
    user, created = accounts.create_or_promote_admin(address, PASSWORD, 10, allow_special_use=True)
    assert created and user.email == address


def test_special_use_domains_are_still_refused_in_production_and_for_shoppers(app, db):
    with pytest.raises(accounts.InvalidEmail):
        accounts.create_or_promote_admin("admin@kneadwell.test", PASSWORD, 10, allow_special_use=False)
    with pytest.raises(accounts.InvalidEmail):
        accounts.normalise_email("shopper@kneadwell.test")
    with pytest.raises(accounts.InvalidEmail):      # the labels are still checked
        accounts.create_or_promote_admin("bad@-x-.test", PASSWORD, 10, allow_special_use=True)


def test_production_config_says_it_is_production():
    from config import DevelopmentConfig, ProductionConfig, TestingConfig
    assert ProductionConfig.IS_PRODUCTION is True
    assert not getattr(DevelopmentConfig, "IS_PRODUCTION", False) and not getattr(TestingConfig, "IS_PRODUCTION", False)


def test_confirmation_page_reads_as_a_sentence(client, db):
    make_disclaimers()
    product = make_product("Wording Ball", variants=[{"sku": "WB-1", "on_hand": 3}])
    db.session.commit()
    order = place_order([(product.variants[0].id, 1)], email="w@example.com")
    pay_order(order)
    from store.checkout.views import SESSION_ORDERS
    with client.session_transaction() as session:
        session[SESSION_ORDERS] = [order.number]   # the browser that placed it
    html = client.get(f"/checkout/complete/{order.number}").get_data(as_text=True)
    status = html[html.index('class="order-status"'):]
    status = status[:status.index("</p>")]
    import re
    text = " ".join(re.sub(r"<[^>]+>", "", status.split(">", 1)[1]).split())
    assert f"Order {order.number} is paid. A confirmation email is on its way to w@example.com." in text
    assert " . " not in text


def test_guides_list_past_the_last_page_is_a_404(client, db):
    from tests.guides.helpers import make_guide
    make_disclaimers()
    make_guide()
    db.session.commit()
    assert client.get("/guides").status_code == 200
    assert client.get("/guides?page=1").status_code == 200
    assert client.get("/guides?page=2").status_code == 404
    assert client.get("/guides?page=99").status_code == 404


def test_order_history_past_the_last_page_is_a_404(client, db, make_user, login_as):
    user = make_user("history@example.com")
    login_as(client, user)
    assert client.get("/account/orders").status_code == 200          # no orders yet: page 1 says so
    assert client.get("/account/orders?page=2").status_code == 404


ADMIN_LISTS = ["/admin/products", "/admin/orders", "/admin/audit", "/admin/guides", "/admin/outbox",
               "/admin/receipts"]


@pytest.mark.parametrize("path", ADMIN_LISTS)
def test_admin_lists_past_the_last_page_are_a_404(admin_client, db, path):
    assert admin_client.get(path).status_code == 200
    assert admin_client.get(f"{path}?page=99").status_code == 404

"""Issue 17: a checkout that resumes. A cart has at most one order awaiting payment; submitting again updates it
(same number, reservation adjusted) instead of opening another; paying takes out only what was ordered."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from store.catalog.models import Variant
from store.cart.models import CartLine
from store.extensions import db
from store.inventory.services import ledger_totals
from store.orders.models import Order
from tests.checkout.test_checkout_views import _add, _form


def _number(response):
    return re.search(r"/checkout/demo-pay/(KW-[A-Z0-9-]+)", response.headers["Location"]).group(1)


def _reserved(app, variant_id):
    with app.app_context():
        v = db.session.get(Variant, variant_id)
        assert ledger_totals(variant_id) == (v.on_hand, v.reserved)
        return v.reserved


def test_submitting_the_same_cart_three_times_leaves_one_order_and_one_reservation(app, client, shop):
    """Bug: three submissions gave 3 pending orders holding 9 units; the shopper was told her item sold out."""
    _add(client, shop.oil_small, 3)  # 4 in stock
    numbers = {_number(client.post("/checkout", data=_form(app))) for _ in range(3)}
    assert len(numbers) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 1
    assert _reserved(app, shop.oil_small) == 3


def test_changing_the_cart_updates_the_same_order_and_its_reservation(app, client, shop):
    _add(client, shop.oil_small, 3)
    first = _number(client.post("/checkout", data=_form(app)))
    _add(client, shop.roller, 1)
    second = _number(client.post("/checkout", data=_form(app, city="Shelbyville")))
    assert second == first
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        assert sorted((l.sku, l.quantity) for l in order.lines) == [("OIL-50", 3), ("ROLL-1", 1)]
        assert order.ship_city == "Shelbyville" and order.total_cents == 1450 * 3 + 2400 + 595
    assert _reserved(app, shop.oil_small) == 3 and _reserved(app, shop.roller) == 1


def test_the_cart_says_an_order_is_awaiting_payment_with_resume_and_cancel(app, client, shop):
    _add(client, shop.roller, 1)
    number = _number(client.post("/checkout", data=_form(app)))
    html = client.get("/cart").get_data(as_text=True)
    assert "You have an order awaiting payment" in html and f'data-awaiting-order="{number}"' in html
    assert f'action="/checkout/pay/{number}"' in html and f'action="/checkout/cancel/{number}"' in html
    assert client.post(f"/checkout/pay/{number}").headers["Location"].endswith(f"/checkout/demo-pay/{number}")
    client.post(f"/checkout/cancel/{number}")
    assert "awaiting payment" not in client.get("/cart").get_data(as_text=True)
    assert _reserved(app, shop.roller) == 0


def test_paying_removes_from_the_cart_only_what_was_ordered(app, client, shop):
    """Bug: paying emptied the whole cart, including items added after the order was placed."""
    _add(client, shop.roller, 2)
    number = _number(client.post("/checkout", data=_form(app)))
    _add(client, shop.roller, 1)      # more of the same, after placing
    _add(client, shop.oil_small, 1)   # something new, after placing
    client.post(f"/checkout/demo-pay/{number}", data={"action": "pay"})
    with app.app_context():
        left = sorted((l.variant_id, l.quantity) for l in db.session.scalars(select(CartLine)))
    assert left == sorted([(shop.roller, 1), (shop.oil_small, 1)])


def test_a_cap_on_open_orders_per_email(app, shop):
    app.config["MAX_OPEN_ORDERS_PER_EMAIL"] = 2
    try:
        clients = [app.test_client() for _ in range(3)]
        for c in clients:
            _add(c, shop.roller, 1)
        assert clients[0].post("/checkout", data=_form(app)).status_code == 302
        assert clients[1].post("/checkout", data=_form(app)).status_code == 302
        refused = clients[2].post("/checkout", data=_form(app))
        assert refused.status_code == 429 and "waiting for payment" in refused.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count(Order.id))) == 2
        assert _reserved(app, shop.roller) == 2
    finally:
        app.config["MAX_OPEN_ORDERS_PER_EMAIL"] = 3


def test_the_checkout_post_is_rate_limited(app, shop, database_url, tmp_path):
    """Another app instance with the limiter on (memory storage): the checkout POST is limited, GET is not."""
    from config import TestingConfig
    from store import create_app
    from store.extensions import limiter
    limited = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                         RATELIMIT_STORAGE_URI="memory://", CHECKOUT_RATE_LIMIT="2 per minute")
    limited.instance_path = str(tmp_path / "instance-limited")
    try:
        client = limited.test_client()
        _add(client, shop.roller, 1)
        codes = [client.post("/checkout", data=_form(limited)).status_code for _ in range(3)]
        assert codes == [302, 302, 429]
        assert client.get("/checkout").status_code == 200
    finally:
        limiter.enabled = app.config.get("RATELIMIT_ENABLED", False)
        with limited.app_context():
            db.engine.dispose()


def test_ten_concurrent_identical_submissions_from_one_session_leave_one_order(app, client, shop):
    _add(client, shop.oil_small, 2)
    cookie = client.get_cookie("session")
    form = _form(app)
    barrier = threading.Barrier(10)

    def submit(_):
        c = app.test_client()
        c.set_cookie(cookie.key, cookie.value, domain=cookie.domain or "localhost")
        barrier.wait()
        return c.post("/checkout", data=form).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(submit, range(10)))
    assert all(code == 302 for code in codes), codes
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 1
    assert _reserved(app, shop.oil_small) == 2


def test_a_cap_on_open_orders_per_visitor(app, db, shop):
    """The same visitor (account, or hashed guest token) may hold at most MAX_OPEN_ORDERS_PER_VISITOR unpaid
    orders, whatever email each one gives."""
    import pytest
    from store.checkout.services import TooManyOpenOrders, visitor_key
    from tests.factories import place_order as place
    visitor = visitor_key(None, "guest-token-1")
    assert visitor.startswith("guest:") and "guest-token-1" not in visitor
    place([(shop.roller, 1)], email="a@example.com", visitor=visitor)
    place([(shop.roller, 1)], email="b@example.com", visitor=visitor)
    with pytest.raises(TooManyOpenOrders):
        place([(shop.roller, 1)], email="c@example.com", visitor=visitor)
    place([(shop.roller, 1)], email="c@example.com", visitor=visitor_key(None, "someone-else"))
    assert db.session.scalar(select(func.count(Order.id))) == 3
    assert _reserved(app, shop.roller) == 3


def test_her_own_order_awaiting_payment_does_not_make_her_item_look_sold_out(app, client, shop):
    """Bug: going back and trying again, the shopper was told her own item was sold out."""
    _add(client, shop.oil_large, 2)  # the last two
    _number(client.post("/checkout", data=_form(app)))
    cart = client.get("/cart").get_data(as_text=True)
    assert "out of stock" not in cart and "left" not in cart.split("<main")[1].split("</main>")[0]
    assert "Only" not in client.get("/checkout").get_data(as_text=True).split("<main")[1]
    assert client.post("/checkout", data=_form(app)).status_code == 302
    # Another shopper sees them as gone.
    other = app.test_client()
    refused = other.post("/cart/add", data={"variant_id": shop.oil_large, "quantity": 1}, follow_redirects=True)
    assert "out of stock" in refused.get_data(as_text=True)

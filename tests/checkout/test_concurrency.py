"""Concurrency, with real threads on the real database (SQLite here, PostgreSQL under STORE_TEST_DB=postgres):
many buyers for few units, and the same payment delivered many times at once."""
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from store.catalog.models import Variant
from store.checkout import services
from store.checkout.services import OutOfStock
from store.extensions import db as _db
from store.inventory.models import StockMovement
from store.inventory.services import ledger_totals
from store.orders.models import Order, OrderEvent, WebhookEvent
from store.outbox import OutboxMessage
from tests.checkout.helpers import attach_session, event, post_event, session_object
from tests.factories import place_order as place
from tests.factories import make_disclaimers, make_product


def _run(n, fn):
    barrier = threading.Barrier(n)

    def wrapped(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(wrapped, range(n)))


def test_forty_buyers_five_units(app):
    with app.app_context():
        make_disclaimers()
        variant_id = make_product("Last Few Roller", variants=[{"sku": "FEW-1", "price_cents": 2000,
                                                                 "on_hand": 5}]).variants[0].id
        _db.session.commit()

    def buy(i):
        with app.app_context():
            try:
                order = place([(variant_id, 1)], email=f"buyer{i}@example.com")
                return ("ok", order.number)
            except OutOfStock as error:
                return ("sold out", str(error))
            finally:
                _db.session.remove()

    results = _run(40, buy)
    ok = [r for r in results if r[0] == "ok"]
    sold_out = [r for r in results if r[0] == "sold out"]
    assert len(ok) == 5 and len(sold_out) == 35
    assert all(r[1] == "Last Few Roller is out of stock." for r in sold_out)
    with app.app_context():
        variant = _db.session.get(Variant, variant_id)
        assert (variant.on_hand, variant.reserved, variant.available) == (5, 5, 0)
        assert _db.session.scalar(select(func.count(Order.id))) == 5
        assert ledger_totals(variant_id) == (5, 5)
        reserves = _db.session.scalar(select(func.count(StockMovement.id)).where(
            StockMovement.variant_id == variant_id, StockMovement.kind == "reserve"))
        assert reserves == 5
        # And paying for all five consumes exactly the stock there was.
        ids = _db.session.scalars(select(Order.id)).all()
    for order_id in ids:
        with app.test_request_context():
            order = _db.session.get(Order, order_id)
            assert services.fulfil_order(order_id, services.PaymentData.demo(order), "test").outcome == "paid"
    with app.app_context():
        variant = _db.session.get(Variant, variant_id)
        assert (variant.on_hand, variant.reserved) == (0, 0) and ledger_totals(variant_id) == (0, 0)


def test_same_webhook_twenty_times_at_once(app, shop, webhook_secret, smtp_server, outbox_worker):
    with app.app_context():
        order = attach_session(place([(shop.roller, 2)]))
        evt = event("checkout.session.completed", session_object(order), event_id="evt_storm")
        order_id = order.id

    def deliver(_):
        return post_event(app.test_client(), evt).json["outcome"]

    outcomes = _run(20, deliver)
    assert outcomes.count("paid") == 1 and outcomes.count("duplicate") == 19
    with app.app_context():
        assert _db.session.get(Order, order_id).payment_status == "paid"
        assert _db.session.get(Variant, shop.roller).on_hand == 8 and ledger_totals(shop.roller) == (8, 0)
        assert _db.session.scalar(select(func.count(WebhookEvent.id))) == 1
        assert _db.session.scalar(select(func.count(OrderEvent.id)).where(OrderEvent.to_state == "paid")) == 1
        # One outbox row for the confirmation, written with the payment.
        assert _db.session.scalars(select(OutboxMessage.key)).all() == [f"order-confirmation:{order_id}"]
    outbox_worker.drain()
    assert len(smtp_server.messages) == 1


def test_twenty_distinct_duplicate_webhooks_at_once_queue_one_confirmation(app, shop, webhook_secret, smtp_server,
                                                                         outbox_worker):
    """Twenty different event ids for the same paid session (Stripe retries, both event types) at once."""
    with app.app_context():
        order = attach_session(place([(shop.roller, 1)]))
        session = session_object(order)
        order_id = order.id

    def deliver(i):
        kind = "checkout.session.completed" if i % 2 else "checkout.session.async_payment_succeeded"
        return post_event(app.test_client(), event(kind, session, event_id=f"evt_dup_{i}")).json["outcome"]

    outcomes = _run(20, deliver)
    assert outcomes.count("paid") == 1 and outcomes.count("paid") + outcomes.count("already_paid") \
        + outcomes.count("conflict") == 20
    with app.app_context():
        rows = _db.session.scalars(select(OutboxMessage)).all()
        assert [(r.key, r.kind, r.recipient) for r in rows] == [
            (f"order-confirmation:{order_id}", "order_confirmation", "buyer@example.com")]
    outbox_worker.drain()
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["Message-ID"] == rows[0].message_id


def test_webhook_and_return_page_race(app, shop, webhook_secret, smtp_server, outbox_worker):
    """Different events and the shopper's return, all at once for one payment: fulfilled once."""
    with app.app_context():
        order = attach_session(place([(shop.roller, 1)]))
        session = session_object(order)
        order_id = order.id

    def arrive(i):
        if i % 2:
            return post_event(app.test_client(), event("checkout.session.completed", session,
                                                       event_id=f"evt_{i}")).json["outcome"]
        with app.test_request_context():
            try:
                return services.fulfil_order(order_id, session, "customer:return").outcome
            finally:
                _db.session.remove()

    outcomes = _run(12, arrive)
    assert outcomes.count("paid") == 1 and outcomes.count("already_paid") == 11
    with app.app_context():
        assert _db.session.get(Variant, shop.roller).on_hand == 9 and ledger_totals(shop.roller) == (9, 0)
    outbox_worker.drain()
    assert len(smtp_server.messages) == 1


def test_expiry_racing_payment(app, shop):
    """expire-orders running twice while the payment arrives: either paid (stock consumed) or expired then
    re-reserved; never both, never stock lost."""
    from datetime import timedelta
    from store.orders.services import expire_due_orders
    from store.util import utcnow
    with app.app_context():
        order = attach_session(place([(shop.roller, 2)]))
        order.expires_at = utcnow() - timedelta(minutes=1)
        _db.session.commit()
        session = session_object(order)
        order_id = order.id

    def act(i):
        with app.test_request_context():
            try:
                if i < 2:
                    return expire_due_orders()
                return services.fulfil_order(order_id, session, "stripe").outcome
            finally:
                _db.session.remove()

    _run(3, act)
    with app.app_context():
        assert _db.session.get(Order, order_id).payment_status == "paid"
        variant = _db.session.get(Variant, shop.roller)
        assert (variant.on_hand, variant.reserved) == (8, 0) and ledger_totals(shop.roller) == (8, 0)


class _NoRedirect(__import__("urllib.request").request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_forty_shoppers_over_http_on_the_live_server(app, live_server):
    """The same race through the real checkout endpoint: 40 browsers (own cookies, own carts) on a threaded
    WSGI server; 5 get a payment page, 35 are sent back to their cart with a sold-out message."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    from store.safety.services import current_disclaimer

    with app.app_context():
        make_disclaimers()
        variant_id = make_product("Rush Roller", variants=[{"sku": "RUSH-1", "price_cents": 1800,
                                                             "on_hand": 5}]).variants[0].id
        _db.session.commit()
        disclaimer = current_disclaimer("product")
        ack = {"disclaimer_id": disclaimer.id, "disclaimer_version": disclaimer.version}
        _db.session.remove()

    all_carts_filled = threading.Barrier(40)

    def shopper(i):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

        def post(path, data):
            body = urllib.parse.urlencode(data).encode()
            try:
                response = opener.open(live_server.url + path, data=body, timeout=60)
                return response.status, response.headers.get("Location", "")
            except urllib.error.HTTPError as error:
                return error.code, error.headers.get("Location", "")

        assert post("/cart/add", {"variant_id": variant_id, "quantity": 1}) == (302, "/cart")
        all_carts_filled.wait()  # everyone has the roller in the cart; now all check out at once
        status, location = post("/checkout", dict(
            ack, email=f"rush{i}@example.com", full_name="Rush Buyer", line1="1 Main St", city="Springfield",
            region="IL", postal_code="62701", country="US", shipping_method="standard", acknowledge="y"))
        if "/checkout/demo-pay/" in location:
            return "order"
        page = opener.open(live_server.url + "/cart", timeout=60).read().decode()
        return "sold out" if "Rush Roller is out of stock." in page else f"unexpected {status} {location}"

    results = _run(40, shopper)
    assert results.count("order") == 5 and results.count("sold out") == 35, results
    with app.app_context():
        variant = _db.session.get(Variant, variant_id)
        assert (variant.on_hand, variant.reserved) == (5, 5) and ledger_totals(variant_id) == (5, 5)
        assert _db.session.scalar(select(func.count(Order.id))) == 5

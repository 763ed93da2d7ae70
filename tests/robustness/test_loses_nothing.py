"""Bad input loses nothing: for each main write path, every bad request answers with a 4xx or an error message the
user sees, and the rows it would have written are identical before and after (at row level, every column).
Each test ends with one good request, to show the same path does write when the input is right."""
from __future__ import annotations

import io

from sqlalchemy import select

from store.extensions import db
from tests.robustness.world import table_rows

CART_TABLES = ("carts", "cart_lines")
ORDER_TABLES = ("orders", "order_lines", "order_events", "refunds", "stock_movements", "variants", "cart_lines",
                "audit_log", "webhook_events")
BAD_NUMBERS = ["0", "-3", str(10**9), str(2**63), "abc", "1e309", "NaN", "inf", "", " ", "x" * 50_000]


def _rows(app, tables):
    with app.app_context():
        return table_rows(*tables)


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def _error_shown(client, response) -> bool:
    """The user was told: a 4xx page/JSON with a message, or a redirect that flashed an error."""
    if 400 <= response.status_code < 500:
        return len(response.get_data(as_text=True).strip()) > 0
    if response.status_code in (302, 303):
        return any(category in ("error", "warning") for category, _ in _flashes(client))
    return False


def _clear_flashes(client):
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def _check_all(app, client, tables, url, bodies, **kwargs):
    before = _rows(app, tables)
    problems = []
    for body in bodies:
        _clear_flashes(client)
        response = client.post(url, data=body, **kwargs)
        if not _error_shown(client, response):
            problems.append(f"{body!r:.120} -> {response.status_code}, no error shown")
        if _rows(app, tables) != before:
            from tests.robustness.world import diff  # noqa: F401
            after = _rows(app, tables)
            changed = {t: [r for r in after[t] if r not in before[t]][:3] for t in tables if after[t] != before[t]}
            problems.append(f"{body!r:.300} changed rows: {changed!r:.600}")
            before = _rows(app, tables)
    assert not problems, "\n".join(problems)
    return before


def _not_for_shoppers(app, role_client, tables, url, body):
    """A customer is refused (403) and a visitor sent to sign in; neither changes anything."""
    before = _rows(app, tables)
    assert role_client(app, "customer").post(url, data=body).status_code == 403
    response = role_client(app, "anonymous").post(url, data=body)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert _rows(app, tables) == before


def _draft_and_sold_out_variants(app):
    from store.catalog.models import ProductStatus
    from tests.factories import make_product
    with app.app_context():
        draft = make_product("Draft Roller", status=ProductStatus.DRAFT).variants[0].id
        sold_out = make_product("Sold Out Ball", variants=[{"price_cents": 900, "on_hand": 0}]).variants[0].id
        inactive = make_product("Half Gone Oil", variants=[{"sku": "HG-1"}, {"sku": "HG-2", "is_active": False}])
        inactive = inactive.variants[1].id
        db.session.commit()
        db.session.remove()
    return draft, sold_out, inactive


def test_add_to_cart_with_bad_input_changes_no_cart(app, world, role_client):
    draft, sold_out, inactive = _draft_and_sold_out_variants(app)
    bodies = [{"variant_id": world.other_variant_id, "quantity": q} for q in BAD_NUMBERS + ["11", "10"]]
    bodies += [{"variant_id": v, "quantity": "1"} for v in BAD_NUMBERS + [draft, sold_out, inactive, "999999"]]
    bodies += [{"quantity": "1"}, {}, {"variant_id": ["abc", world.other_variant_id], "quantity": ["1", "-1"]}]
    for role in ("customer", "anonymous"):
        client = role_client(app, role)
        _check_all(app, client, CART_TABLES, "/cart/add", bodies)
        # The JSON answer (static/js/cart.js) is a 400 with the message.
        response = client.post("/cart/add", data={"variant_id": world.other_variant_id, "quantity": "-3"},
                               headers={"Accept": "application/json"})
        assert response.status_code == 400 and response.json["ok"] is False and response.json["message"]
    # A brand-new visitor's bad add does not even create an empty cart.
    fresh = app.test_client()
    _check_all(app, fresh, CART_TABLES, "/cart/add", bodies[:5])
    with fresh.session_transaction() as session:
        assert "cart_token" not in session
    before = _rows(app, CART_TABLES)
    assert role_client(app, "customer").post("/cart/add", data={"variant_id": world.other_variant_id,
                                                                "quantity": "1"}).status_code == 302
    assert _rows(app, CART_TABLES) != before


def _checkout_form(app, **changes):
    from store.safety.services import current_disclaimer
    with app.app_context():
        d = current_disclaimer("product")
        form = {"full_name": "Robin Reader", "line1": "12 Elm Street", "line2": "", "city": "Springfield",
                "region": "IL", "postal_code": "62701", "country": "US", "shipping_method": "standard",
                "acknowledge": "y", "disclaimer_id": str(d.id), "disclaimer_version": str(d.version),
                "email": "guest@example.com"}
        db.session.remove()
    for key, value in changes.items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return form


def test_placing_an_order_with_bad_input_writes_nothing(app, world, role_client):
    bad = [_checkout_form(app, acknowledge=None), _checkout_form(app, postal_code="!!"),
           _checkout_form(app, postal_code="x" * 50_000), _checkout_form(app, country="XX"),
           _checkout_form(app, shipping_method="teleport"), _checkout_form(app, shipping_method=""),
           _checkout_form(app, disclaimer_version="0"), _checkout_form(app, disclaimer_version=str(2**63)),
           _checkout_form(app, disclaimer_id=str(2**63)), _checkout_form(app, disclaimer_id="abc"),
           _checkout_form(app, full_name=""), _checkout_form(app, full_name="x" * 50_000),
           _checkout_form(app, line1=None), {}]
    for role in ("customer", "anonymous"):
        _check_all(app, role_client(app, role), ORDER_TABLES, "/checkout", bad)
    # Guests give an email for the receipt (signed-in customers use their account's).
    _check_all(app, role_client(app, "anonymous"), ORDER_TABLES, "/checkout",
               [_checkout_form(app, email="not an email"), _checkout_form(app, email=None),
                _checkout_form(app, email="a@" + "b" * 300 + ".com")])

    # The cart asks for more than is left (another shopper bought the rest): nothing is reserved or written.
    from store.inventory import services as inventory
    from store.inventory.models import MovementKind
    with app.app_context():
        from store.catalog.models import Variant
        variant = db.session.get(Variant, world.other_variant_id)
        inventory.adjust(variant.id, -(variant.available - 1), MovementKind.DAMAGED, note="test: nearly gone")
        db.session.commit()
        db.session.remove()
    _check_all(app, role_client(app, "customer"), ORDER_TABLES, "/checkout", [_checkout_form(app)])

    before = _rows(app, ORDER_TABLES)
    assert role_client(app, "anonymous").post("/checkout", data=_checkout_form(app)).status_code == 302
    after = _rows(app, ORDER_TABLES)
    assert len(after["orders"]) == len(before["orders"]) + 1


def test_demo_payment_with_bad_input_changes_no_order(app, world, role_client):
    tables = ORDER_TABLES
    customer = role_client(app, "customer")
    url = f"/checkout/demo-pay/{world.pending_number}"
    before = _rows(app, tables)
    for body in ({}, {"action": "bogus"}, {"action": "PAY"}, {"action": ""}, {"action": "x" * 50_000}):
        assert customer.post(url, data=body).status_code == 400
    assert customer.post(url, data={"action": "decline"}).status_code == 402  # declined: shown, nothing charged
    # Someone else's order, or an order that does not exist: 404, nothing paid.
    for client, number in ((role_client(app, "anonymous"), world.pending_number),
                           (customer, world.other_number), (customer, "KW-NOPE-NOPE"), (customer, "x" * 3000)):
        assert client.post(f"/checkout/demo-pay/{number}", data={"action": "pay"}).status_code == 404
    assert _rows(app, tables) == before
    # An order already paid is not paid again.
    response = customer.post(f"/checkout/demo-pay/{world.paid_number}", data={"action": "pay"})
    assert response.status_code == 302
    assert _rows(app, tables) == before
    assert customer.post(url, data={"action": "pay"}).status_code == 302
    assert _rows(app, tables) != before


def test_admin_stock_adjustment_with_bad_input_changes_nothing(app, world, role_client):
    tables = ("variants", "stock_movements", "audit_log")
    admin = role_client(app, "admin")
    url = f"/admin/variants/{world.variant_id}/stock"
    with app.app_context():
        from store.catalog.models import Variant
        on_hand = db.session.get(Variant, world.variant_id).on_hand
        db.session.remove()
    bodies = [{"reason": "restock", "quantity": q, "note": ""} for q in BAD_NUMBERS]
    bodies += [{"reason": r, "quantity": "2"} for r in ("", "bogus", "x" * 50_000)] + [{"quantity": "2"}, {}]
    bodies += [{"reason": "damaged", "quantity": str(on_hand + 1)},   # more than there is
               {"reason": "count", "quantity": str(on_hand)},         # the count already matches
               {"reason": "count", "quantity": "-1"},
               {"reason": "restock", "quantity": "2", "note": "x" * 50_000}]
    _check_all(app, admin, tables, url, bodies)
    _not_for_shoppers(app, role_client, tables, url, {"reason": "restock", "quantity": "2"})
    before = _rows(app, tables)
    assert admin.post(url, data={"reason": "restock", "quantity": "2"}).status_code == 302
    assert _rows(app, tables) != before


def _csv(text: str):
    return {"file": (io.BytesIO(text.encode()), "stock.csv")}


def test_csv_import_with_one_bad_row_applies_none(app, world, role_client):
    tables = ("variants", "stock_movements", "audit_log")
    admin = role_client(app, "admin")
    with app.app_context():
        from store.catalog.models import Variant
        skus = list(db.session.scalars(select(Variant.sku).order_by(Variant.id).limit(4)))
        db.session.remove()
    good = "sku,price,compare_at,on_hand\n" + "".join(f"{s},12.00,,40\n" for s in skus[:3])
    s = skus[3]  # the bad row is about a fourth variant, so only its own problem can reject it
    files = [good + bad for bad in ("NOPE-SKU,1.00,,1\n", f"{s},-3,,1\n", f"{s},abc,,1\n", f"{s},1e309,,1\n",
                                    f"{s},NaN,,1\n", f"{s},12.00,,-3\n", f"{s},12.00,,{10**9}\n",
                                    f"{s},12.00,,{2**63}\n", f"{s},12.00,,{2**31}\n", f"{s},99999999,,1\n",
                                    f"{s},9999999.99,,1\n", f"{s},12.00,999999999.99,1\n", f"{s},12.00,50.00,abc\n",
                                    f"{skus[1]},12.00,,4\n", "\x00,\x00,\x00,\x00\n", "a,b\n",
                                    f"{s},12.00,,{'9' * 5000}\n")]
    files += ["", "sku,price\nX,1\n", "not,a,header\n1,2,3\n", "\ufeff" + "x" * 50_000]
    bodies = [_csv(text) for text in files]
    bodies += [{"file": (io.BytesIO(b"\xff\xfe\x00bad"), "stock.csv")}, {"file": "not a file"}, {}]
    _check_all(app, admin, tables, "/admin/inventory/import", bodies, content_type="multipart/form-data")
    before = _rows(app, tables)
    assert admin.post("/admin/inventory/import", data=_csv(good), content_type="multipart/form-data").status_code == 302
    assert _rows(app, tables) != before


def test_refund_with_bad_input_changes_nothing(app, world, role_client):
    tables = ("orders", "order_events", "refunds", "audit_log", "stock_movements", "variants")
    admin = role_client(app, "admin")
    url = f"/admin/orders/{world.paid_id}/refund"
    bodies = [{"amount": a, "reason": "", "idempotency_key": f"k-{i}"} for i, a in enumerate(BAD_NUMBERS + [
        "-0.01", "0.001", "99999999.99", "1.000,00", "5 USD"])]
    bodies += [{"amount": "1.00"}, {"amount": "1.00", "idempotency_key": ""}, {},
               {"amount": "1.00", "idempotency_key": "k-x", "reason": "x" * 50_000}]
    _check_all(app, admin, tables, url, bodies)
    # An order not paid yet cannot be refunded; another customer cannot refund at all.
    _check_all(app, admin, tables, f"/admin/orders/{world.pending_id}/refund",
               [{"amount": "1.00", "idempotency_key": "k-pending"}])
    _not_for_shoppers(app, role_client, tables, url, {"amount": "1.00", "idempotency_key": "k-c"})
    before = _rows(app, tables)
    assert admin.post(url, data={"amount": "1.00", "idempotency_key": "k-ok"}).status_code == 302
    assert _rows(app, tables) != before

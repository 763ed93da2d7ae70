"""Cart services on a real database: adding, limits, stock, merge rules, price notes, purge."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from store.cart import services as cart
from store.cart.models import Cart, CartLine
from store.catalog.models import ProductStatus, Variant
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from store.util import utcnow
from tests.factories import make_product

MAX = 10


@pytest.fixture
def user_id(db, make_user):
    return make_user("cart-owner@example.com").id


def _variant(on_hand=10, price=1999, **kw):
    product = make_product(variants=[{"price_cents": price, "on_hand": on_hand}], **kw)
    db.session.commit()
    return product.variants[0].id


def _lines(cart_obj):
    db.session.expire_all()
    return {ln.variant_id: ln.quantity for ln in db.session.get(Cart, cart_obj.id).lines}


def test_get_cart_by_user_or_token_never_crosses(db, user_id):
    user_cart = cart.get_or_create_cart(user_id, None)
    guest = cart.get_or_create_cart(None, "guest-token-1")
    assert cart.get_cart(user_id, None).id == user_cart.id
    assert cart.get_cart(None, "guest-token-1").id == guest.id
    assert cart.get_cart(None, "other") is None
    assert cart.get_cart(None, None) is None
    # Creating again returns the same cart.
    assert cart.get_or_create_cart(None, "guest-token-1").id == guest.id


def test_add_item_adds_up_and_respects_limit_and_stock(db):
    vid = _variant(on_hand=12)
    c = cart.get_or_create_cart(None, "t")
    cart.add_item(c, vid, 3, MAX)
    cart.add_item(c, vid, "2", MAX)
    assert _lines(c) == {vid: 5}
    with pytest.raises(cart.InvalidQuantity, match="at most 10"):
        cart.add_item(c, vid, 6, MAX)
    assert _lines(c) == {vid: 5}

    low = _variant(on_hand=2)
    with pytest.raises(cart.NotAvailable, match="Only 2"):
        cart.add_item(c, low, 3, MAX)
    assert _lines(c) == {vid: 5}


@pytest.mark.parametrize("bad", [0, -3, 10**9, "abc", "", None, "1.5", "٣", True])
def test_add_item_rejects_bad_quantities_without_change(db, bad):
    vid = _variant()
    c = cart.get_or_create_cart(None, "t")
    cart.add_item(c, vid, 1, MAX)
    with pytest.raises(cart.InvalidQuantity):
        cart.add_item(c, vid, bad, MAX)
    assert _lines(c) == {vid: 1}


def test_cannot_add_unknown_archived_draft_inactive_or_sold_out(db):
    c = cart.get_or_create_cart(None, "t")
    archived = _variant(status=ProductStatus.ARCHIVED)
    draft = _variant(status=ProductStatus.DRAFT)
    sold_out = _variant(on_hand=0)
    product = make_product(variants=[{"on_hand": 5, "is_active": True}, {"on_hand": 5, "is_active": False}])
    db.session.commit()
    inactive = product.variants[1].id
    for vid, message in [(999999, "could not find"), ("abc", "could not find"), (archived, "no longer"),
                         (draft, "no longer"), (inactive, "no longer"), (sold_out, "out of stock")]:
        with pytest.raises(cart.NotAvailable, match=message):
            cart.add_item(c, vid, 1, MAX)
    assert _lines(c) == {}


def test_reserved_stock_counts_as_gone(db):
    vid = _variant(on_hand=3)
    inventory.reserve(vid, 2)
    db.session.commit()
    c = cart.get_or_create_cart(None, "t")
    with pytest.raises(cart.NotAvailable, match="Only 1"):
        cart.add_item(c, vid, 2, MAX)


def test_set_quantity_remove_clear_and_foreign_lines(db, user_id):
    a, b = _variant(), _variant()
    mine = cart.get_or_create_cart(None, "mine")
    theirs = cart.get_or_create_cart(user_id, None)
    line_a = cart.add_item(mine, a, 1, MAX)
    cart.add_item(mine, b, 1, MAX)
    their_line = cart.add_item(theirs, a, 4, MAX)

    cart.set_quantity(mine, line_a.id, 7, MAX)
    assert _lines(mine) == {a: 7, b: 1}
    for bad in (0, -1, 11, "x"):
        with pytest.raises(cart.InvalidQuantity):
            cart.set_quantity(mine, line_a.id, bad, MAX)
    with pytest.raises(cart.LineNotFound):
        cart.set_quantity(mine, their_line.id, 2, MAX)
    with pytest.raises(cart.LineNotFound):
        cart.remove_line(mine, their_line.id)
    assert _lines(theirs) == {a: 4}

    cart.remove_line(mine, line_a.id)
    assert _lines(mine) == {b: 1}
    cart.clear_cart(mine)
    assert _lines(mine) == {}
    assert _lines(theirs) == {a: 4}


def test_set_quantity_above_stock_is_refused(db):
    vid = _variant(on_hand=4)
    c = cart.get_or_create_cart(None, "t")
    line = cart.add_item(c, vid, 2, MAX)
    with pytest.raises(cart.NotAvailable, match="Only 4"):
        cart.set_quantity(c, line.id, 5, MAX)
    assert _lines(c) == {vid: 2}


def test_summary_uses_current_price_and_flags_change_and_shortage(db):
    vid = _variant(on_hand=5, price=1000)
    other = _variant(on_hand=5, price=250)
    c = cart.get_or_create_cart(None, "t")
    cart.add_item(c, vid, 4, MAX)
    cart.add_item(c, other, 2, MAX)
    variant = db.session.get(Variant, vid)
    variant.price_cents = 1200
    db.session.commit()
    inventory.adjust(vid, -3, MovementKind.DAMAGED)  # 2 left, 4 in the cart
    db.session.commit()

    summary = cart.summarize(cart.get_cart(None, "t"))
    first, second = summary.lines
    assert first.unit_price_cents == 1200 and first.line.unit_price_cents_at_add == 1000
    assert first.price_changed and not second.price_changed
    assert first.line_total_cents == 4800
    assert first.short and first.available == 2 and not second.short
    assert summary.subtotal_cents == 4800 + 500
    assert summary.item_count == 6
    assert summary.has_problems

    # "Adjust" fits the line to the stock left.
    assert cart.adjust_line(c, first.line.id, MAX) == 2
    summary = cart.summarize(cart.get_cart(None, "t"))
    assert not summary.has_problems and summary.lines[0].quantity == 2


def test_archived_product_in_cart_is_a_problem_and_adjust_removes_it(db):
    vid = _variant()
    c = cart.get_or_create_cart(None, "t")
    line = cart.add_item(c, vid, 2, MAX)
    db.session.get(Variant, vid).product.status = ProductStatus.ARCHIVED
    db.session.commit()
    summary = cart.summarize(cart.get_cart(None, "t"))
    assert summary.has_problems and not summary.lines[0].purchasable and summary.lines[0].available == 0
    with pytest.raises(cart.NotAvailable):
        cart.set_quantity(c, line.id, 1, MAX)
    assert cart.adjust_line(c, line.id, MAX) == 0
    assert _lines(c) == {}


def test_merge_adds_quantities_capped_by_stock_and_limit(db, user_id):
    both = _variant(on_hand=50)
    scarce = _variant(on_hand=3)
    guest_only = _variant(on_hand=20)
    gone = _variant(on_hand=5)
    user_cart = cart.get_or_create_cart(user_id, None)
    cart.add_item(user_cart, both, 7, MAX)
    cart.add_item(user_cart, scarce, 2, MAX)
    guest = cart.get_or_create_cart(None, "guest")
    cart.add_item(guest, both, 6, MAX)        # 7 + 6 = 13 -> capped at the limit 10
    cart.add_item(guest, scarce, 1, MAX)      # 2 + 1 = 3 -> fits the stock exactly
    cart.add_item(guest, guest_only, 4, MAX)  # moves over
    cart.add_item(guest, gone, 2, MAX)
    db.session.get(Variant, gone).product.status = ProductStatus.ARCHIVED
    inventory.adjust(scarce, -1, MovementKind.DAMAGED)  # only 2 left: the user's 2 stay, nothing added
    db.session.commit()
    guest_id = guest.id

    notes = cart.merge_carts(cart.get_cart(None, "guest"), cart.get_cart(user_id, None), MAX)

    assert _lines(user_cart) == {both: 10, scarce: 2, guest_only: 4}
    assert db.session.get(Cart, guest_id) is None
    assert db.session.scalar(select(func.count()).select_from(CartLine).where(CartLine.cart_id == guest_id)) == 0
    assert any("per-item limit" in n for n in notes)
    assert any("no longer available" in n for n in notes)


def test_claim_guest_cart_adopts_when_user_has_none(db, user_id):
    vid = _variant()
    guest = cart.get_or_create_cart(None, "guest")
    cart.add_item(guest, vid, 2, MAX)
    assert cart.claim_guest_cart("guest", user_id, MAX) == []
    assert cart.get_cart(None, "guest") is None
    assert {ln.variant_id: ln.quantity for ln in cart.get_cart(user_id, None).lines} == {vid: 2}
    assert cart.claim_guest_cart(None, user_id, MAX) == []


def test_add_many_skips_what_cannot_be_added(db):
    a, b = _variant(), _variant()
    sold_out = _variant(on_hand=0)
    c = cart.get_or_create_cart(None, "t")
    cart.add_item(c, a, 2, MAX)
    result = cart.add_many(c, [a, b, sold_out, str(b)], MAX)
    assert len(result.added) == 1 and len(result.skipped) == 2
    assert _lines(c) == {a: 2, b: 1}
    with pytest.raises(cart.NotAvailable, match="Nothing was added"):
        cart.add_many(c, [a, sold_out], MAX)
    with pytest.raises(cart.CartError):
        cart.add_many(c, [], MAX)
    with pytest.raises(cart.NotAvailable):
        cart.add_many(c, ["abc"], MAX)
    assert _lines(c) == {a: 2, b: 1}


def test_purge_deletes_only_old_guest_carts(db, user_id):
    vid = _variant()
    old_guest = cart.get_or_create_cart(None, "old")
    cart.add_item(old_guest, vid, 1, MAX)
    fresh_guest = cart.get_or_create_cart(None, "fresh")
    old_user = cart.get_or_create_cart(user_id, None)
    long_ago = utcnow() - timedelta(days=40)
    old_guest.updated_at = long_ago
    old_user.updated_at = long_ago
    db.session.commit()
    ids = (old_guest.id, fresh_guest.id, old_user.id)

    assert cart.purge_guest_carts(30) == 1
    remaining = set(db.session.scalars(select(Cart.id)))
    assert remaining == {ids[1], ids[2]}
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0


def test_a_line_added_at_the_same_time_elsewhere_gives_the_friendly_error_and_changes_nothing(db):
    """Two windows add the same item at once: the loser hits the one-line-per-variant constraint at commit. The
    shopper reads a CartError (not a server error), the transaction is rolled back, and the winner's line stays."""
    from sqlalchemy import insert

    vid = _variant(on_hand=10)
    c = cart.get_or_create_cart(None, "two-windows")
    cart_id = c.id
    assert c.lines == []  # this window's view of the cart: still empty
    with db.engine.begin() as other_window:
        other_window.execute(insert(CartLine).values(cart_id=cart_id, variant_id=vid, quantity=1,
                                                     unit_price_cents_at_add=1999, added_at=utcnow()))
    with pytest.raises(cart.CartError, match="changed at the same time in another window"):
        cart.add_item(c, vid, 3, MAX)
    assert not db.session.new and not db.session.dirty  # rolled back: nothing left pending
    assert _lines(c) == {vid: 1}

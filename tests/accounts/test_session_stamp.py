"""Changing or resetting a password signs out every other session and invalidates remember-me cookies (the id
Flask-Login stores embeds a keyed fingerprint of the password hash); the session that changed it stays in."""
from __future__ import annotations

from store.accounts import services as accounts
from store.accounts.models import User
from store.extensions import db as _db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new phrase"


def _sign_in(client, email, remember=False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/account/login", data=data)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    return response


def _signed_out(client) -> bool:
    response = client.get("/account")
    return response.status_code == 302 and "/account/login" in response.location


def test_changing_the_password_signs_out_the_other_sessions_only(app, make_user):
    make_user("two@example.com", PASSWORD)
    laptop, phone = app.test_client(), app.test_client()
    _sign_in(laptop, "two@example.com")
    _sign_in(phone, "two@example.com")

    changed = laptop.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is changed" in changed.get_data(as_text=True)

    # The laptop stays signed in, also on later requests; the phone is sent to sign in.
    assert laptop.get("/account").status_code == 200
    assert laptop.get("/account/password").status_code == 200
    assert _signed_out(phone)
    assert 'href="/account/login"' in phone.get("/").get_data(as_text=True)
    # The phone can sign in again with the new password.
    assert phone.post("/account/login", data={"email": "two@example.com",
                                              "password": NEW_PASSWORD}).status_code == 302
    assert phone.get("/account").status_code == 200


def test_a_failed_change_signs_nobody_out(app, make_user):
    make_user("fail@example.com", PASSWORD)
    laptop, phone = app.test_client(), app.test_client()
    _sign_in(laptop, "fail@example.com")
    _sign_in(phone, "fail@example.com")
    refused = laptop.post("/account/password", data={"current_password": "wrong wrong wrong",
                                                      "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 400
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 200


def test_a_password_reset_signs_out_every_session(app, make_user):
    user = make_user("reset2@example.com", PASSWORD)
    phone = app.test_client()
    _sign_in(phone, "reset2@example.com")
    with app.app_context():
        token = accounts.make_reset_token(_db.session.get(User, user.id))

    browser = app.test_client()
    done = browser.post(f"/account/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                        follow_redirects=True)
    assert "Your password is changed" in done.get_data(as_text=True)
    assert _signed_out(phone)
    assert browser.post("/account/login", data={"email": "reset2@example.com",
                                                 "password": NEW_PASSWORD}).status_code == 302
    assert browser.get("/account").status_code == 200


def _remember_cookie(client) -> str:
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    return cookie.value


def _only_cookie(app, value):
    """A browser that comes back with nothing but the remember-me cookie (its session cookie expired)."""
    client = app.test_client()
    client.set_cookie("remember_token", value)
    return client


def test_a_remember_me_cookie_from_before_the_change_no_longer_signs_in(app, make_user):
    make_user("keep@example.com", PASSWORD)
    old_browser = app.test_client()
    _sign_in(old_browser, "keep@example.com", remember=True)
    old_cookie = _remember_cookie(old_browser)
    # Control: the cookie alone signs in before the change.
    assert _only_cookie(app, old_cookie).get("/account").status_code == 200

    laptop = app.test_client()
    _sign_in(laptop, "keep@example.com", remember=True)
    laptop.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                           "confirm": NEW_PASSWORD})
    assert _signed_out(_only_cookie(app, old_cookie))
    # The laptop's remember-me cookie was renewed with the change and still signs in on its own.
    new_cookie = _remember_cookie(laptop)
    assert new_cookie != old_cookie
    assert _only_cookie(app, new_cookie).get("/account").status_code == 200


def test_a_remember_me_cookie_from_before_a_reset_no_longer_signs_in(app, make_user):
    user = make_user("keep2@example.com", PASSWORD)
    old_browser = app.test_client()
    _sign_in(old_browser, "keep2@example.com", remember=True)
    old_cookie = _remember_cookie(old_browser)
    with app.app_context():
        accounts.reset_password(accounts.make_reset_token(_db.session.get(User, user.id)), NEW_PASSWORD,
                                max_age=3600, min_length=10)
    assert _signed_out(_only_cookie(app, old_cookie))


def test_a_forged_or_old_style_id_loads_nobody(app, client, make_user):
    user = make_user("forge@example.com", PASSWORD)
    for value in (str(user.id), f"{user.id}:", f"{user.id}:0000", "x:y", "", f"{2**40}:abc", "\u00b2:abc",
                  f"{user.id}:\u00e9t\u00e9"):
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = value, True
        assert _signed_out(client), value


def test_signing_in_through_the_remember_me_cookie_merges_the_guest_cart(app, make_user):
    from sqlalchemy import select

    from store.cart.models import Cart, CartLine
    from tests.factories import make_disclaimers, make_product

    with app.app_context():
        make_disclaimers()
        tool, oil = (make_product(name, variants=[{"on_hand": 6}]).variants[0].id for name in ("Roller", "Oil"))
        _db.session.commit()
    user = make_user("back@example.com", PASSWORD)
    earlier = app.test_client()
    _sign_in(earlier, "back@example.com", remember=True)
    earlier.post("/cart/add", data={"variant_id": tool, "quantity": "4"})  # the saved cart
    remember = _remember_cookie(earlier)

    browser = app.test_client()  # shops as a guest, then comes back holding the remember-me cookie
    browser.post("/cart/add", data={"variant_id": tool, "quantity": "3"})  # 4 + 3 > 6 in stock
    browser.post("/cart/add", data={"variant_id": oil, "quantity": "1"})
    with browser.session_transaction() as sess:
        assert sess.get("cart_token")
    browser.set_cookie("remember_token", remember)

    page = browser.get("/cart", follow_redirects=True).get_data(as_text=True)
    assert "limited by stock" in page
    assert "data-cart-count>7<" in browser.get("/cart").get_data(as_text=True)
    with browser.session_transaction() as sess:
        assert "cart_token" not in sess
    with app.app_context():
        lines = dict(_db.session.execute(
            select(CartLine.variant_id, CartLine.quantity).join(Cart).where(Cart.user_id == user.id)).all())
        assert lines == {tool: 6, oil: 1}
        assert _db.session.scalar(select(Cart.id).where(Cart.user_id.is_(None))) is None

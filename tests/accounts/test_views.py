"""Accounts through the test client: register, sign in (cart merge, session renewal, next), sign out,
password change, reset by email through a real SMTP server, addresses, create-admin."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from store.accounts import services as accounts
from store.accounts.models import Address, User
from store.cart.models import Cart, CartLine
from store.extensions import db as _db
from tests.factories import make_disclaimers, make_product

PASSWORD = "correct horse battery"


@pytest.fixture
def variants(app):
    with app.app_context():
        make_disclaimers()
        ids = [make_product(f"Tool {i}", variants=[{"on_hand": 6}]).variants[0].id for i in range(3)]
        _db.session.commit()
        return ids


def _user(app, email):
    with app.app_context():
        return _db.session.scalar(select(User).where(User.email == email))


def _cart_lines(app, user_id):
    with app.app_context():
        return dict(_db.session.execute(
            select(CartLine.variant_id, CartLine.quantity).join(Cart).where(Cart.user_id == user_id)).all())


def _register(client, email="New@Example.com ", password=PASSWORD, name="Nia New", confirm=None, **extra):
    return client.post("/account/register", data={"name": name, "email": email, "password": password,
                                                  "confirm": confirm or password, **extra})


def _finish_link(smtp_server, email) -> str:
    """The path of the link in the sign-up email (registration creates the account once it is followed)."""
    for _ in range(50):
        if smtp_server.to(email):
            break
        time.sleep(0.05)
    [message] = smtp_server.to(email)
    match = re.search(r"https?://[^/\s]+(/account/register/finish/\S+)", smtp_server.text_of(message))
    assert match, smtp_server.text_of(message)
    return match.group(1)


def _finish(client, smtp_server, email):
    path = _finish_link(smtp_server, email)
    assert client.get(path).status_code == 200
    return client.post(path)


def test_register_normalises_email_hashes_password_and_signs_in(app, client, smtp_server):
    response = _register(client, email="  Nia.New@Example.COM ")
    assert response.status_code == 303 and response.location.endswith("/account/register/sent")
    assert _user(app, "nia.new@example.com") is None  # created once the owner of the mailbox follows the link
    response = _finish(client, smtp_server, "nia.new@example.com")
    assert response.status_code == 302 and response.location.endswith("/account")
    user = _user(app, "nia.new@example.com")
    assert user is not None and user.role == "customer"
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    html = client.get("/account").get_data(as_text=True)
    assert "nia.new@example.com" in html and "Welcome to Kneadwell" in html


@pytest.mark.parametrize("kwargs,message", [
    ({"email": "not-an-email"}, "valid email address"),
    ({"email": "a@b"}, "valid email address"),
    ({"password": "short"}, "at least 10 characters"),
    ({"password": "password123"}, "too common"),
    ({"password": "Qwertyuiop1"}, "too common"),
    ({"password": PASSWORD, "confirm": "something else entirely"}, "do not match"),
    ({"name": ""}, "tell us your name"),
])
def test_register_rejects_bad_input(app, client, kwargs, message):
    response = _register(client, **kwargs)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(User.id)) is None


def test_register_twice_with_same_email_in_other_case(app, client, make_user, smtp_server):
    make_user("taken@example.com")
    response = _register(client, email="TAKEN@example.com")
    # The same answer as for a new address (no enumeration); the account's owner is told by email instead.
    assert response.status_code == 303 and response.location.endswith("/account/register/sent")
    for _ in range(50):
        if smtp_server.to("taken@example.com"):
            break
        time.sleep(0.05)
    [mail] = smtp_server.to("taken@example.com")
    assert "already have an account" in smtp_server.text_of(mail)
    with app.app_context():
        assert len(_db.session.scalars(select(User)).all()) == 1


def test_guest_cart_survives_sign_up(app, client, variants, smtp_server):
    client.post("/cart/add", data={"variant_id": variants[0], "quantity": "2"})
    client.post("/cart/add", data={"variant_id": variants[1], "quantity": "1"})
    _register(client)
    _finish(client, smtp_server, "new@example.com")
    user = _user(app, "new@example.com")
    assert _cart_lines(app, user.id) == {variants[0]: 2, variants[1]: 1}
    with client.session_transaction() as sess:
        assert "cart_token" not in sess
    assert "data-cart-count>3<" in client.get("/cart").get_data(as_text=True)


def test_sign_in_merges_guest_cart_into_saved_cart(app, client, variants, make_user):
    user = make_user("merge@example.com", PASSWORD)
    first_device = app.test_client()
    first_device.post("/account/login", data={"email": "merge@example.com", "password": PASSWORD})
    first_device.post("/cart/add", data={"variant_id": variants[0], "quantity": "5"})

    client.post("/cart/add", data={"variant_id": variants[0], "quantity": "3"})  # 5 + 3 > 6 in stock
    client.post("/cart/add", data={"variant_id": variants[2], "quantity": "1"})
    response = client.post("/account/login", data={"email": " Merge@Example.com", "password": PASSWORD},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Welcome back" in html and "limited by stock" in html
    assert _cart_lines(app, user.id) == {variants[0]: 6, variants[2]: 1}
    with app.app_context():
        assert _db.session.scalar(select(Cart.id).where(Cart.user_id.is_(None))) is None


def test_session_is_renewed_on_sign_in(client, make_user):
    make_user("renew@example.com", PASSWORD)
    with client.session_transaction() as sess:
        sess["planted"] = "attacker value"
        sess["cart_token"] = "guest-token"
    client.post("/account/login", data={"email": "renew@example.com", "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess and "_user_id" in sess


def test_same_message_for_unknown_email_and_wrong_password(client, make_user):
    make_user("known@example.com", PASSWORD)
    wrong = client.post("/account/login", data={"email": "known@example.com", "password": "wrong password!"})
    unknown = client.post("/account/login", data={"email": "nobody@example.com", "password": "wrong password!"})
    assert wrong.status_code == unknown.status_code == 400
    message = accounts.SIGN_IN_FAILED
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_inactive_user_cannot_sign_in(app, client, make_user):
    user = make_user("gone@example.com", PASSWORD)
    with app.app_context():
        _db.session.get(User, user.id).active = False
        _db.session.commit()
    response = client.post("/account/login", data={"email": "gone@example.com", "password": PASSWORD})
    assert accounts.SIGN_IN_FAILED in response.get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [
    ("/cart", "/cart"),
    ("https://evil.example/steal", "/account"),
    ("//evil.example", "/account"),
    ("/\\evil.example", "/account"),
])
def test_next_only_accepts_local_paths(client, make_user, target, expected):
    make_user("next@example.com", PASSWORD)
    response = client.post("/account/login", data={"email": "next@example.com", "password": PASSWORD,
                                                   "next": target})
    assert response.status_code == 302 and response.location == expected


def test_account_requires_sign_in_and_comes_back(client, make_user):
    response = client.get("/account")
    assert response.status_code == 302 and "/account/login?next=" in response.location
    html = client.get(response.location).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account"' in html


def test_remember_me_sets_cookie(client, make_user):
    make_user("remember@example.com", PASSWORD)
    response = client.post("/account/login", data={"email": "remember@example.com", "password": PASSWORD,
                                                   "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "SameSite=Lax" in remember[0]


def test_sign_out_is_post_only(client, make_user, login_as):
    login_as(client, make_user())
    assert client.get("/account/logout").status_code == 405
    response = client.post("/account/logout", follow_redirects=True)
    assert "You are signed out." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_change_password(app, client, make_user, login_as):
    user = make_user("change@example.com", PASSWORD)
    login_as(client, user)
    bad = client.post("/account/password", data={"current_password": "nope nope nope",
                                                 "new_password": "a brand new phrase", "confirm": "a brand new phrase"})
    assert bad.status_code == 400 and "current password is not right" in bad.get_data(as_text=True)
    weak = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "letmein123",
                                                  "confirm": "letmein123"})
    assert "too common" in weak.get_data(as_text=True)
    ok = client.post("/account/password", data={"current_password": PASSWORD,
                                                "new_password": "a brand new phrase", "confirm": "a brand new phrase"},
                     follow_redirects=True)
    assert "Your password is changed." in ok.get_data(as_text=True)
    fresh = app.test_client()
    assert fresh.post("/account/login", data={"email": "change@example.com", "password": PASSWORD}).status_code == 400
    assert fresh.post("/account/login", data={"email": "change@example.com",
                                              "password": "a brand new phrase"}).status_code == 302


def _reset_link(smtp_server, email) -> str:
    for _ in range(50):
        if smtp_server.to(email):
            break
        time.sleep(0.05)
    messages = smtp_server.to(email)
    assert len(messages) == 1
    text = smtp_server.text_of(messages[0])
    match = re.search(r"https?://\S+/account/reset/\S+", text)
    assert match, text
    return match.group(0)


def test_password_reset_by_email_is_single_use(app, client, make_user, smtp_server, outbox_worker):
    make_user("reset@example.com", PASSWORD)
    response = client.post("/account/reset", data={"email": " Reset@Example.com "}, follow_redirects=True)
    assert "If an account uses that email" in response.get_data(as_text=True)
    link = _reset_link(smtp_server, "reset@example.com")
    outbox_worker.drain()
    assert "Reset your Kneadwell password" in str(smtp_server.to("reset@example.com")[0]["Subject"])
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path

    assert client.get(path).status_code == 200
    weak = client.post(path, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 400 and "at least 10" in weak.get_data(as_text=True)
    done = client.post(path, data={"password": "my fresh long phrase", "confirm": "my fresh long phrase"},
                       follow_redirects=True)
    assert "Your password is changed" in done.get_data(as_text=True)
    assert client.post("/account/login", data={"email": "reset@example.com",
                                               "password": "my fresh long phrase"}).status_code == 302

    # The same link again: refused, the password stays.
    again = app.test_client().get(path, follow_redirects=True)
    assert "already been used" in again.get_data(as_text=True)
    again = app.test_client().post(path, data={"password": "attacker phrase 123", "confirm": "attacker phrase 123"},
                                   follow_redirects=True)
    assert "already been used" in again.get_data(as_text=True)
    with app.app_context():
        assert accounts.authenticate("reset@example.com", "my fresh long phrase")


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(client, make_user, smtp_server, outbox_worker):
    make_user("exists@example.com", PASSWORD)
    known = client.post("/account/reset", data={"email": "exists@example.com"})
    known_page = client.get(known.location).get_data(as_text=True)
    unknown = client.post("/account/reset", data={"email": "ghost@example.com"})
    unknown_page = client.get(unknown.location).get_data(as_text=True)
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert known_page == unknown_page
    _reset_link(smtp_server, "exists@example.com")
    outbox_worker.drain()
    assert smtp_server.to("ghost@example.com") == []


def test_reset_token_expires_and_tampering_is_refused(app, client, make_user):
    user = make_user("expire@example.com", PASSWORD)
    with app.app_context():
        token = accounts.make_reset_token(_db.session.get(User, user.id))
        with pytest.raises(accounts.InvalidResetToken, match="expired"):
            time.sleep(1.1)
            accounts.user_for_reset_token(token, max_age=0)
        with pytest.raises(accounts.InvalidResetToken, match="not valid"):
            cut = token.rindex(".") + 1  # the signature's first character always carries six MAC bits
            accounts.user_for_reset_token(token[:cut] + ("A" if token[cut] != "A" else "B") + token[cut + 1:],
                                          max_age=3600)
    app.config["PASSWORD_RESET_MAX_AGE"] = 0
    try:
        html = client.get(f"/account/reset/{token}", follow_redirects=True).get_data(as_text=True)
        assert "That reset link has expired" in html
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600


def test_addresses_crud_and_owner_scoping(app, client, make_user, login_as):
    from store.pricing.seed import seed_pricing
    with app.app_context():
        seed_pricing()
        _db.session.commit()
    owner = make_user("addr@example.com")
    other = make_user("nosy@example.com")
    login_as(client, owner)
    data = {"full_name": "Ada Owner", "line1": "1 Elm Street", "city": "Springfield", "postal_code": "12345",
            "country": "US"}
    no_state = client.post("/account/addresses/new", data=data)
    assert no_state.status_code == 400 and "Enter the state." in no_state.get_data(as_text=True)
    unknown = client.post("/account/addresses/new", data={**data, "region": "Springfield County"})
    assert unknown.status_code == 400 and "like NY or New York" in unknown.get_data(as_text=True)
    data["region"] = "Illinois"
    assert client.post("/account/addresses/new", data=data).status_code == 302
    missing = client.post("/account/addresses/new", data={**data, "city": ""})
    assert missing.status_code == 400 and "enter the city" in missing.get_data(as_text=True)
    html = client.get("/account").get_data(as_text=True)
    assert "1 Elm Street" in html and "Default" in html
    with app.app_context():
        address_id = _db.session.scalar(select(Address.id))

    nosy = app.test_client()
    login_as(nosy, other)
    assert nosy.get(f"/account/addresses/{address_id}/edit").status_code == 404
    assert nosy.post(f"/account/addresses/{address_id}/edit", data={**data, "line1": "Hacked"}).status_code == 404
    assert nosy.post(f"/account/addresses/{address_id}/delete").status_code == 404

    client.post(f"/account/addresses/{address_id}/edit", data={**data, "line1": "2 Oak Road"})
    assert "2 Oak Road" in client.get("/account").get_data(as_text=True)
    client.post(f"/account/addresses/{address_id}/delete")
    with app.app_context():
        assert _db.session.scalar(select(Address.id)) is None


def test_account_page_order_history_slot(client, make_user, login_as):
    login_as(client, make_user())
    html = client.get("/account").get_data(as_text=True)
    assert "Orders" in html
    if "orders.order_list" in client.application.view_functions:
        assert "See your orders" in html
    else:
        assert "Your orders will appear here" in html


def test_create_admin_command_creates_then_promotes(app, make_user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "Boss@Example.com"],
                           input="a strong admin phrase\na strong admin phrase\n")
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com" in result.output
    assert "a strong admin phrase" not in result.output  # the prompt does not echo
    with app.app_context():
        assert accounts.authenticate("boss@example.com", "a strong admin phrase").is_admin

    make_user("promote@example.com", PASSWORD)
    result = runner.invoke(args=["create-admin", "promote@example.com"], input="\n\n")
    assert result.exit_code == 0 and "Promoted admin promote@example.com" in result.output
    with app.app_context():
        user = accounts.authenticate("promote@example.com", PASSWORD)
        assert user.is_admin

    result = runner.invoke(args=["create-admin", "weak@example.com"], input="password\npassword\n")
    assert result.exit_code != 0 and "at least 10" in result.output


def test_address_forms_offer_only_the_countries_checkout_ships_to(app, client, make_user, login_as):
    from store.checkout.forms import CheckoutForm
    from store.accounts.forms import AddressForm

    from store.pricing.models import ShippingZone
    from store.pricing.seed import seed_pricing

    with app.test_request_context():
        seed_pricing()
        _db.session.commit()
        account_choices = [(c.value, c.label) for c in AddressForm().country.choices]
        checkout_choices = [(c.value, c.label) for c in CheckoutForm().country.choices]
    # The shipping zones' countries (US, CA, GB and the EU's 27), by name, on both forms.
    assert account_choices == checkout_choices and len(account_choices) == 30
    assert {"US", "CA", "GB", "FR", "DE"} <= {code for code, _ in account_choices}
    assert [name for _, name in account_choices] == sorted(name for _, name in account_choices)
    with app.test_request_context():
        _db.session.scalars(select(ShippingZone).where(ShippingZone.name == "European Union")).one().active = False
        _db.session.commit()
        account_choices = [c.value for c in AddressForm().country.choices]
        assert "FR" not in account_choices and account_choices == [c.value for c in CheckoutForm().country.choices]

    user = make_user("abroad@example.com")
    login_as(client, user)
    data = {"full_name": "Ada Abroad", "line1": "1 Rue de Rivoli", "city": "Paris", "postal_code": "75001",
            "country": "FR"}
    refused = client.post("/account/addresses/new", data=data)
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    with pytest.raises(accounts.AddressCountry, match="We ship to Canada, the United Kingdom and the United States, and this address is in France"):
        with app.app_context():
            accounts.save_address(user.id, accounts.AddressData(full_name="Ada", line1="1 Rue", city="Paris",
                                                                postal_code="75001", country="FR"))
    with app.app_context():
        assert _db.session.scalar(select(Address.id)) is None
        # An address saved before the list was narrowed: its edit page says so instead of passing it off as US.
        _db.session.add(Address(user_id=user.id, full_name="Ada Abroad", line1="1 Rue de Rivoli", city="Paris",
                                postal_code="75001", country="FR"))
        _db.session.commit()
        address_id = _db.session.scalar(select(Address.id))
    page = client.get(f"/account/addresses/{address_id}/edit")
    assert page.status_code == 200
    assert "We ship to Canada, the United Kingdom and the United States, and this address is in France." in page.get_data(as_text=True)

"""Sessions live on the server: written as the attacks. A cookie copied from a browser stops working once that
session is signed out (on that device, from another device's account page, or everywhere); remember-me cookies
die with their session; an idle admin signs in again."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from store.accounts.auth_models import UserSession
from store.extensions import db as _db

PASSWORD = "correct horse battery"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


def _sign_in(app, email, remember=False, user_agent=FIREFOX):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/account/login", data=data, headers={"User-Agent": user_agent})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    return client


def _signed_out(client) -> bool:
    response = client.get("/account")
    return response.status_code == 302 and "/account/login" in response.location


def _thief_with(app, **cookies):
    """Another browser holding only the copied cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def _session_rows(app, user_id):
    with app.app_context():
        return list(_db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)
                                        .order_by(UserSession.id)))


def test_a_copied_session_cookie_is_refused_after_sign_out(app, make_user):
    user = make_user("copy@example.com", PASSWORD)
    victim = _sign_in(app, "copy@example.com")
    stolen = victim.get_cookie("session").value
    # Control: the copy works while the session is live.
    assert _thief_with(app, session=stolen).get("/account").status_code == 200

    victim.post("/account/logout")
    assert _signed_out(victim)
    assert _signed_out(_thief_with(app, session=stolen))
    [row] = _session_rows(app, user.id)
    assert row.revoked_at is not None and row.revoked_reason == "signed out"


def test_a_copied_remember_me_cookie_is_refused_after_sign_out(app, make_user):
    make_user("remember@example.com", PASSWORD)
    victim = _sign_in(app, "remember@example.com", remember=True)
    stolen_remember = victim.get_cookie("remember_token").value
    stolen_session = victim.get_cookie("session").value
    assert _thief_with(app, remember_token=stolen_remember).get("/account").status_code == 200

    victim.post("/account/logout")
    assert _signed_out(_thief_with(app, remember_token=stolen_remember))
    assert _signed_out(_thief_with(app, session=stolen_session, remember_token=stolen_remember))


def test_the_session_record_keeps_only_a_hash_of_the_token(app, make_user):
    user = make_user("hash@example.com", PASSWORD)
    client = _sign_in(app, "hash@example.com", user_agent=ANDROID)
    with client.session_transaction() as sess:
        token = sess["_user_id"].rpartition(":")[2]
    [row] = _session_rows(app, user.id)
    assert len(token) >= 40 and token not in row.token_hash
    assert row.device == "Chrome on Android"
    assert row.ip == "127.0.0.1"


def test_signing_out_another_device_from_the_account_page(app, make_user):
    user = make_user("two-devices@example.com", PASSWORD)
    laptop = _sign_in(app, "two-devices@example.com", user_agent=FIREFOX)
    phone = _sign_in(app, "two-devices@example.com", remember=True, user_agent=ANDROID)
    phone_remember = phone.get_cookie("remember_token").value

    page = laptop.get("/account").get_data(as_text=True)
    assert "Firefox on Windows" in page and "Chrome on Android" in page
    assert page.count("This device") == 1
    laptop_row, phone_row = _session_rows(app, user.id)
    # "This device" marks the laptop's own session.
    this = re.search(r'data-session="(\d+)">\s*<strong>([^<]+)</strong> <span class="badge">This device', page)
    assert this and int(this.group(1)) == laptop_row.id and this.group(2) == "Firefox on Windows"

    done = laptop.post(f"/account/sessions/{phone_row.id}/revoke", follow_redirects=True)
    assert done.status_code == 200 and "That device is signed out" in done.get_data(as_text=True)
    assert _signed_out(phone)
    assert _signed_out(_thief_with(app, remember_token=phone_remember))
    assert laptop.get("/account").status_code == 200
    assert "Chrome on Android" not in laptop.get("/account").get_data(as_text=True)


def test_nobody_signs_out_another_users_session(app, make_user):
    make_user("alice@example.com", PASSWORD)
    bob = make_user("bob@example.com", PASSWORD)
    alice = _sign_in(app, "alice@example.com")
    bob_client = _sign_in(app, "bob@example.com")
    [bob_row] = _session_rows(app, bob.id)
    assert alice.post(f"/account/sessions/{bob_row.id}/revoke").status_code == 404
    assert alice.post(f"/account/sessions/{2**31 - 1}/revoke").status_code == 404
    assert bob_client.get("/account").status_code == 200


def test_sign_out_everywhere(app, make_user):
    user = make_user("everywhere@example.com", PASSWORD)
    laptop = _sign_in(app, "everywhere@example.com")
    phone = _sign_in(app, "everywhere@example.com", remember=True)
    remember = phone.get_cookie("remember_token").value
    done = laptop.post("/account/sessions/revoke-all", follow_redirects=True)
    assert "signed out everywhere" in done.get_data(as_text=True)
    assert _signed_out(laptop) and _signed_out(phone)
    assert _signed_out(_thief_with(app, remember_token=remember))
    assert all(row.revoked_at is not None for row in _session_rows(app, user.id))


def test_session_changes_need_a_post_with_csrf(app, make_user):
    from config import TestingConfig
    from store import create_app

    make_user("csrf-sessions@example.com", PASSWORD)
    strict = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    html = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post("/account/login", data={"email": "csrf-sessions@example.com", "password": PASSWORD,
                                               "csrf_token": token}).status_code == 302
    assert client.get("/account/sessions/revoke-all").status_code == 405
    assert client.post("/account/sessions/revoke-all").status_code == 400  # no token
    assert client.get("/account").status_code == 200  # still signed in
    html = client.get("/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post("/account/sessions/revoke-all", data={"csrf_token": token}).status_code == 302
    assert _signed_out(client)
    with strict.app_context():
        _db.engine.dispose()


def test_a_password_change_revokes_the_other_session_records(app, make_user):
    user = make_user("pw-rows@example.com", PASSWORD)
    laptop = _sign_in(app, "pw-rows@example.com")
    _sign_in(app, "pw-rows@example.com")
    laptop.post("/account/password", data={"current_password": PASSWORD, "new_password": "another fine phrase",
                                           "confirm": "another fine phrase"})
    laptop_row, phone_row = _session_rows(app, user.id)
    assert laptop_row.revoked_at is None
    assert phone_row.revoked_at is not None and phone_row.revoked_reason == "password"
    assert laptop.get("/account").status_code == 200


def test_last_seen_is_written_at_most_once_a_minute(app, make_user, count_queries):
    user = make_user("seen@example.com", PASSWORD)
    client = _sign_in(app, "seen@example.com")
    [row] = _session_rows(app, user.id)
    with count_queries() as counter:
        client.get("/account")
        client.get("/")
    assert not any(s.lstrip().upper().startswith("UPDATE USER_SESSIONS") for s in counter.statements)

    earlier = row.last_seen_at - timedelta(minutes=5)
    with app.app_context():
        _db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=earlier))
        _db.session.commit()
    client.get("/")
    [row] = _session_rows(app, user.id)
    assert row.last_seen_at > earlier + timedelta(minutes=4)


def _age_session(app, user_id, minutes):
    with app.app_context():
        for row in _db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)):
            row.last_seen_at -= timedelta(minutes=minutes)
        _db.session.commit()


@pytest.mark.parametrize("remember", [False, True])
def test_an_idle_admin_is_asked_to_sign_in_again(app, make_user, remember):
    admin = make_user("idle-admin@example.com", PASSWORD, role="admin")
    client = _sign_in(app, "idle-admin@example.com", remember=remember)
    assert client.get("/admin/").status_code == 200
    _age_session(app, admin.id, app.config["ADMIN_IDLE_MINUTES"] - 2)
    assert client.get("/admin/products").status_code == 200  # not idle long enough yet (and this is activity)

    _age_session(app, admin.id, app.config["ADMIN_IDLE_MINUTES"] + 1)
    response = client.get("/admin/products")
    assert response.status_code == 302
    assert "/account/login" in response.location and "next=/admin/products" in response.location
    page = client.get(response.location)
    assert page.status_code == 200
    assert "without activity" in page.get_data(as_text=True)
    assert _signed_out(client)
    [row] = _session_rows(app, admin.id)
    assert row.revoked_reason == "idle"


def test_a_customer_is_not_held_to_the_admin_idle_limit(app, make_user):
    customer = make_user("slow@example.com", PASSWORD)
    client = _sign_in(app, "slow@example.com")
    _age_session(app, customer.id, app.config["ADMIN_IDLE_MINUTES"] + 60)
    assert client.get("/account").status_code == 200


def test_a_session_unused_for_longer_than_the_maximum_ends(app, make_user):
    customer = make_user("gone@example.com", PASSWORD)
    client = _sign_in(app, "gone@example.com", remember=True)
    _age_session(app, customer.id, 60 * 24 * (app.config["SESSION_MAX_IDLE_DAYS"] + 1))
    assert _signed_out(client)

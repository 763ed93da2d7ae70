"""Two-factor sign-in, written as the attacks: a stolen password alone gets nothing, a wrong or replayed code is
refused, a recovery code works once, guessing codes hits a limit (429 with Retry-After), and with
ADMIN_REQUIRE_2FA no back-office page opens without a second factor."""
from __future__ import annotations

import re
import secrets
import time

import pyotp
import pytest
from sqlalchemy import select

from config import TestingConfig
from store import create_app
from store.accounts import twofactor
from store.accounts.auth_models import RecoveryCode, TwoFactor, UserSession
from store.extensions import db as _db, limiter

PASSWORD = "correct horse battery"
ADMIN_URLS = ["/admin/", "/admin/products", "/admin/orders", "/admin/inventory", "/admin/audit",
              "/admin/disclaimers"]


def _enrol(app, user_id) -> tuple[str, list[str]]:
    """Enrol through the services (the page flow has its own tests): (secret, recovery codes)."""
    with app.app_context():
        secret = twofactor.pending_secret(user_id)
        # A code from the previous time step, so the tests' "current" code stays unused.
        codes = twofactor.confirm_enrolment(user_id, pyotp.TOTP(secret).at(time.time() - 30))
    return secret, codes


def _password_step(client, email):
    response = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/account/login/code")
    return response


def _signed_out(client) -> bool:
    response = client.get("/account")
    return response.status_code == 302 and "/account/login" in response.location


@pytest.fixture
def enrolled(app, make_user):
    user = make_user("twofa@example.com", PASSWORD, role="admin")
    secret, codes = _enrol(app, user.id)
    return user, secret, codes


def test_the_password_alone_grants_nothing(app, enrolled):
    client = app.test_client()
    _password_step(client, "twofa@example.com")
    assert _signed_out(client)
    assert client.get("/admin/").status_code == 302
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    page = client.get("/account/login/code")
    assert page.status_code == 200 and "Enter your sign-in code" in page.get_data(as_text=True)


def test_the_right_code_signs_in_and_marks_the_session(app, enrolled):
    user, secret, _ = enrolled
    client = app.test_client()
    _password_step(client, "twofa@example.com")
    done = client.post("/account/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        [row] = _db.session.scalars(select(UserSession).where(UserSession.user_id == user.id))
        assert row.two_factor_at is not None


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", "", " ", "1" * 41, "\u0661\u0662\u0663\u0664\u0665\u0666"])
def test_a_wrong_code_is_refused(app, enrolled, code):
    _, secret, _ = enrolled
    if code == "000000" and pyotp.TOTP(secret).verify(code, valid_window=1):
        pytest.skip("the random secret happens to give 000000 now")
    client = app.test_client()
    _password_step(client, "twofa@example.com")
    refused = client.post("/account/login/code", data={"code": code})
    assert refused.status_code == 400
    assert 'id="code-error"' in refused.get_data(as_text=True)  # the field says what is wrong
    assert _signed_out(client)


def test_a_reused_code_is_refused(app, enrolled):
    _, secret, _ = enrolled
    code = pyotp.TOTP(secret).now()
    first = app.test_client()
    _password_step(first, "twofa@example.com")
    assert first.post("/account/login/code", data={"code": code}).status_code == 302

    attacker = app.test_client()  # knows the password and saw the code over the admin's shoulder
    _password_step(attacker, "twofa@example.com")
    refused = attacker.post("/account/login/code", data={"code": code})
    assert refused.status_code == 400
    assert "already used" in refused.get_data(as_text=True)
    assert _signed_out(attacker)


def test_an_older_code_than_the_last_used_is_refused(app, enrolled):
    user, secret, _ = enrolled
    now = time.time()
    totp = pyotp.TOTP(secret)
    with app.app_context():
        assert twofactor.verify(user.id, totp.at(now), now=now) == "totp"
        with pytest.raises(twofactor.WrongCode):
            twofactor.verify(user.id, totp.at(now - 30), now=now)  # still inside the drift window, but older
        assert twofactor.verify(user.id, totp.at(now + 30), now=now + 30) == "totp"


def test_a_recovery_code_works_once(app, enrolled):
    user, _, codes = enrolled
    assert len(codes) == 10 and len(set(codes)) == 10
    client = app.test_client()
    _password_step(client, "twofa@example.com")
    done = client.post("/account/login/code", data={"code": codes[3].upper()}, follow_redirects=True)
    assert done.status_code == 200 and "recovery code" in done.get_data(as_text=True)
    assert "9 left" in done.get_data(as_text=True)
    assert client.get("/account").status_code == 200

    again = app.test_client()
    _password_step(again, "twofa@example.com")
    assert again.post("/account/login/code", data={"code": codes[3]}).status_code == 400
    assert _signed_out(again)
    assert again.post("/account/login/code", data={"code": codes[4]}).status_code == 302


def test_recovery_codes_and_secret_are_stored_as_described(app, enrolled):
    user, secret, codes = enrolled
    with app.app_context():
        rows = list(_db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)))
        assert len(rows) == 10
        stored = " ".join(r.code_hash + r.salt for r in rows)
        assert not any(code.replace("-", "") in stored for code in codes)
        cred = _db.session.scalar(select(TwoFactor).where(TwoFactor.user_id == user.id))
        assert cred.secret == secret and cred.confirmed_at is not None


def test_the_half_signed_in_state_expires(app, enrolled):
    _, secret, _ = enrolled
    client = app.test_client()
    _password_step(client, "twofa@example.com")
    with client.session_transaction() as sess:
        sess["two_factor_pending"]["at"] -= 301
        sess.modified = True
    response = client.post("/account/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.location.endswith("/account/login")
    assert _signed_out(client)


def test_the_code_page_without_a_password_step_sends_to_sign_in(app, client):
    response = client.post("/account/login/code", data={"code": "123456"})
    assert response.status_code == 302 and response.location.endswith("/account/login")
    with client.session_transaction() as sess:
        sess["two_factor_pending"] = {"uid": "1", "at": "x"}  # junk in a (signed) session: still no 500
    assert client.get("/account/login/code").status_code == 302


# ---------------------------------------------------------------- enrolment through the page

def test_enrolment_needs_a_right_code_before_it_takes_effect(app, make_user, login_as):
    user = make_user("enrol@example.com", PASSWORD)
    client = app.test_client()
    login_as(client, user)
    page = client.get("/account/two-factor")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    secret = re.search(r"data-totp-secret>([A-Z2-7]+)<", html).group(1)
    assert 'src="data:image/svg+xml' in html  # the QR code is drawn here, no external service
    # Reloading keeps the same secret until it is confirmed.
    assert f"data-totp-secret>{secret}<" in client.get("/account/two-factor").get_data(as_text=True)

    wrong = client.post("/account/two-factor", data={"code": "12345x", "password": PASSWORD})
    assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
    # A right code with a wrong password (a copied session alone) does not turn it on either.
    thief = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now(), "password": "guess guess"})
    assert thief.status_code == 400 and "Your password is not right" in thief.get_data(as_text=True)
    with app.app_context():
        assert not twofactor.is_enrolled(user.id)
    # Not enrolled yet: signing in asks for no code.
    other = app.test_client()
    assert other.post("/account/login", data={"email": "enrol@example.com", "password": PASSWORD}
                      ).location.endswith("/account")

    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now(), "password": PASSWORD})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "only time" in html
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", html)
    assert len(codes) == 10
    # Shown once: the page no longer lists them.
    later = client.get("/account/two-factor").get_data(as_text=True)
    assert "Two-factor sign-in is on" in later and codes[0] not in later and "10 unused" in later
    third = app.test_client()
    _password_step(third, "enrol@example.com")


# ---------------------------------------------------------------- rate limit

def test_guessing_codes_is_limited_with_retry_after(app, enrolled):
    limited = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    try:
        _, secret, _ = enrolled
        client = limited.test_client()
        ip = "10.9.%d.%d" % (secrets.randbelow(250), secrets.randbelow(250))
        client.post("/account/login", data={"email": "twofa@example.com", "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": ip})
        statuses = [client.post("/account/login/code", data={"code": "999999" if i % 2 else "000001"},
                                environ_base={"REMOTE_ADDR": ip}).status_code for i in range(5)]
        assert statuses == [400] * 5
        refused = client.post("/account/login/code", data={"code": pyotp.TOTP(secret).now()},
                              environ_base={"REMOTE_ADDR": ip})
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert "Too many" in refused.get_data(as_text=True)
        # Another address does not help: the limit follows the account being signed in to.
        other = limited.test_client()
        other.post("/account/login", data={"email": "twofa@example.com", "password": PASSWORD},
                   environ_base={"REMOTE_ADDR": "10.8.1.1"})
        assert other.post("/account/login/code", data={"code": "999999"},
                          environ_base={"REMOTE_ADDR": "10.8.1.1"}).status_code == 429
    finally:
        limiter.enabled = app.config.get("RATELIMIT_ENABLED", False)
        with limited.app_context():
            _db.engine.dispose()


# ---------------------------------------------------------------- ADMIN_REQUIRE_2FA

@pytest.fixture
def require_2fa(app):
    app.config["ADMIN_REQUIRE_2FA"] = True
    yield
    app.config["ADMIN_REQUIRE_2FA"] = False


def test_two_factor_is_required_in_production_by_default():
    from config import Config, ProductionConfig
    assert ProductionConfig.ADMIN_REQUIRE_2FA is True
    assert TestingConfig.ADMIN_REQUIRE_2FA is False and Config.ADMIN_REQUIRE_2FA is False


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_an_admin_without_two_factor_is_sent_to_enrolment(app, make_user, login_as, require_2fa, url):
    admin = make_user("no2fa@example.com", PASSWORD, role="admin")
    client = app.test_client()
    login_as(client, admin)
    response = client.get(url)
    assert response.status_code == 302 and response.location.endswith("/account/two-factor")
    assert "needs two-factor" in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_an_admin_session_without_a_code_signs_in_again(app, enrolled, login_as, require_2fa, url):
    user, _, _ = enrolled
    client = app.test_client()
    login_as(client, user)  # a session signed in with the password only (e.g. from before enrolment)
    response = client.get(url)
    assert response.status_code == 302 and "/account/login" in response.location and "next=" in response.location
    assert _signed_out(client)


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_an_admin_signed_in_with_a_code_reaches_the_back_office(app, enrolled, require_2fa, url):
    _, secret, _ = enrolled
    client = app.test_client()
    _password_step(client, "twofa@example.com")
    assert client.post("/account/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get(url).status_code == 200


def test_with_the_setting_off_admins_without_two_factor_still_get_in(app, make_user, login_as):
    admin = make_user("off@example.com", PASSWORD, role="admin")
    client = app.test_client()
    login_as(client, admin)
    assert client.get("/admin/").status_code == 200

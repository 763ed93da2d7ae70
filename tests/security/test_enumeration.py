"""Issue 10, finding 5, written as the attack: neither the sign-up page nor the reset page (nor their timing,
with a slow mail server) tells whether an email has an account."""
from __future__ import annotations

import asyncio
import re
import time

import pytest

from sqlalchemy import func, select

from store.accounts import services as accounts
from store.accounts.models import User
from store.extensions import db as _db
from tests.conftest import serve_smtp
from tests.security.conftest import wait_for_mail

PASSWORD = "correct horse battery"


def _signup(client, email, name="Mallory Probe"):
    return client.post("/account/register", data={"name": name, "email": email, "password": "a long probe phrase",
                                                  "confirm": "a long probe phrase"})


def _users(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count(User.id)))


def _answer(client, response) -> tuple:
    """What the person at the keyboard sees: status, where it goes, and the page it leads to."""
    page = client.get(response.location).get_data(as_text=True) if response.location else response.get_data(True)
    page = re.sub(r'name="csrf_token"[^>]*>', "", page)
    return response.status_code, response.location, page


def test_sign_up_with_a_taken_email_answers_exactly_as_a_new_one(app, client, make_user, smtp_server):
    make_user("victim@example.com", PASSWORD)
    taken = _answer(client, _signup(client, "Victim@Example.com"))
    new = _answer(client, _signup(app.test_client(), "newcomer@example.com"))
    assert taken[:2] == new[:2] == (303, "/account/register/sent")
    assert taken[2] == new[2] and "Check your email to finish" in new[2]
    assert "already" not in taken[2]
    # The owner of the existing account is told by email; nothing about it changed.
    [told] = wait_for_mail(smtp_server, "victim@example.com")
    text = smtp_server.text_of(told)
    assert "tried to create" in text and "http://localhost/account/reset" in text and "/account/login" in text
    with app.app_context():
        assert accounts.authenticate("victim@example.com", PASSWORD)
    # The new address gets the link that creates its account; until then nothing is stored.
    [link_mail] = wait_for_mail(smtp_server, "newcomer@example.com")
    assert "/account/register/finish/" in smtp_server.text_of(link_mail)
    assert _users(app) == 1


def test_nobody_can_hold_an_address_they_do_not_read(app, client, smtp_server):
    _signup(client, "someone.else@example.com", name="Squatter")
    assert _users(app) == 0  # the sign-up is only an email to that address
    wait_for_mail(smtp_server, "someone.else@example.com")


def test_sign_up_link_creates_the_account_once_and_refuses_tampering(app, client, smtp_server):
    _signup(client, "fresh@example.com", name="Fresh Person")
    [mail] = wait_for_mail(smtp_server, "fresh@example.com")
    path = re.search(r"http://localhost(/account/register/finish/\S+)", smtp_server.text_of(mail)).group(1)
    assert _users(app) == 0
    page = client.get(path)
    assert page.status_code == 200 and "Create my account" in page.get_data(as_text=True)
    assert _users(app) == 0  # following the link changes nothing: the button (a POST) does
    done = client.post(path)
    assert done.status_code == 302 and done.location == "/account"
    assert "fresh@example.com" in client.get("/account").get_data(as_text=True)
    again = app.test_client().post(path, follow_redirects=True)
    assert "already set up" in again.get_data(as_text=True) and _users(app) == 1
    token = path.rsplit("/", 1)[1]
    cut = token.rindex(".") + 1
    forged = token[:cut] + ("A" if token[cut] != "A" else "B") + token[cut + 1:]
    bad = app.test_client().get(f"/account/register/finish/{forged}", follow_redirects=True)
    assert "not valid" in bad.get_data(as_text=True)
    assert app.test_client().post(f"/account/register/finish/{forged}").status_code == 302
    assert _users(app) == 1


def test_expired_sign_up_link_is_refused(app, client):
    with app.test_request_context():
        token = accounts._registration_serializer().dumps({"e": "late@example.com", "n": "Late",
                                                           "h": accounts.hash_password("a long late phrase")})
    app.config["REGISTRATION_LINK_MAX_AGE"] = 0
    try:
        time.sleep(1.1)
        html = client.get(f"/account/register/finish/{token}", follow_redirects=True).get_data(as_text=True)
        assert "expired" in html
        client.post(f"/account/register/finish/{token}")
    finally:
        app.config["REGISTRATION_LINK_MAX_AGE"] = 24 * 3600
    assert _users(app) == 0


# ---------------------------------------------------------------- timing, with a slow mail server

class _SlowMail:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(1.0)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def slow_smtp(app):
    with serve_smtp(app, _SlowMail()) as handler:
        yield handler


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_reset_takes_as_long_for_a_known_address_as_for_an_unknown_one(client, make_user, slow_smtp):
    make_user("known@example.com", PASSWORD)
    client.post("/account/reset", data={"email": "warmup@example.com"})
    known = min(_timed(lambda: client.post("/account/reset", data={"email": "known@example.com"})) for _ in range(2))
    unknown = min(_timed(lambda: client.post("/account/reset", data={"email": "ghost@example.com"}))
                  for _ in range(2))
    # The mail server takes a second per message: a request that waited for it would show it (the bound leaves
    # room for a loaded machine; the requests only write an outbox row).
    assert known < 0.9 and unknown < 0.9 and abs(known - unknown) < 0.25, (known, unknown)


def test_sign_up_takes_as_long_for_a_taken_address_as_for_a_new_one(app, make_user, slow_smtp):
    make_user("taken@example.com", PASSWORD)
    _signup(app.test_client(), "warmup@example.com")
    taken = min(_timed(lambda: _signup(app.test_client(), "taken@example.com")) for _ in range(2))
    new = min(_timed(lambda: _signup(app.test_client(), f"new{time.time_ns()}@example.com")) for _ in range(2))
    assert taken < 0.9 and new < 0.9 and abs(taken - new) < 0.25, (taken, new)

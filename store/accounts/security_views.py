"""Account security pages: the two-factor step of sign-in, two-factor enrolment, and the list of signed-in
devices (sign out one, sign out everywhere). Every state change is a POST with CSRF."""
from __future__ import annotations

import time

from flask import (
    abort, current_app, flash, make_response, redirect, render_template, request, session, url_for,
)
from flask_login import current_user, login_required, logout_user

from store.accounts import bp, services, sessions, twofactor
from store.accounts.forms import TwoFactorCodeForm, TwoFactorEnrolForm
from store.accounts.loader import current_session, max_idle
from store.accounts.models import User
from store.extensions import db, limiter
from store.util import is_safe_next

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300  # the half-signed-in state lasts five minutes
TOO_MANY_CODES = "Too many wrong codes in a short time. Please wait a minute and try again."


def _pending() -> dict | None:
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int) or not isinstance(data.get("at"), int):
        return None
    if time.time() - data["at"] > PENDING_SECONDS:
        return None
    return data


def _code_limit_key() -> str:
    """Failed codes count per account being signed in to (so many addresses do not help) and per address."""
    data = _pending()
    if data is not None:
        return f"2fa-user:{data['uid']}"
    if current_user.is_authenticated:
        return f"2fa-user:{current_user.id}"
    return f"2fa-ip:{request.remote_addr}"


def _code_limit():
    return limiter.limit(lambda: current_app.config.get("TWO_FACTOR_RATE_LIMIT", "5 per minute"),
                         key_func=_code_limit_key, methods=["POST"], error_message=TOO_MANY_CODES,
                         deduct_when=lambda response: response.status_code >= 400)


@bp.after_request
def _retry_after(response):
    """A 429 from the accounts pages says when to come back (Retry-After, in seconds)."""
    if response.status_code == 429 and "Retry-After" not in response.headers:
        retry = 60
        current = getattr(limiter, "current_limit", None)
        if current is not None and getattr(current, "reset_at", None):
            retry = max(1, int(current.reset_at - time.time()))
        response.headers["Retry-After"] = str(retry)
    return response


def begin_second_step(user: User, remember: bool, next_target: str | None):
    """The password was right and the account has two-factor: remember who is signing in (nothing more: the
    browser is still signed out) and ask for the code."""
    session[PENDING_KEY] = {"uid": user.id, "stamp": user.session_stamp, "remember": bool(remember),
                            "next": next_target if is_safe_next(next_target) else "", "at": int(time.time())}
    return redirect(url_for("accounts.login_code"))


@bp.route("/account/login/code", methods=["GET", "POST"])
@_code_limit()
def login_code():
    from store.accounts.views import _next_target, _sign_in

    data = _pending()
    if data is None:
        session.pop(PENDING_KEY, None)
        flash("Please sign in with your email and password first.", "info")
        return redirect(url_for("accounts.login"))
    user = db.session.get(User, data["uid"])
    if user is None or not user.active or user.session_stamp != data.get("stamp"):
        session.pop(PENDING_KEY, None)
        flash("Please sign in again.", "info")
        return redirect(url_for("accounts.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            kind = twofactor.verify(user.id, form.code.data)
        except twofactor.WrongCode as exc:
            form.code.errors = [str(exc)]
        else:
            session.pop(PENDING_KEY, None)
            _sign_in(user, bool(data.get("remember")), two_factor=True)
            if kind == "recovery":
                left = twofactor.recovery_codes_left(user.id)
                flash(f"You signed in with a recovery code; it cannot be used again. {left} left.", "info")
            flash(f"Welcome back, {user.name or user.email}.", "success")
            return redirect(_next_target(data.get("next")))
    status = 200 if request.method == "GET" or not form.errors else 400
    return render_template("accounts/login_code.html", form=form), status


# ---------------------------------------------------------------- enrolment

def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@_code_limit()
def two_factor():
    if twofactor.is_enrolled(current_user.id):
        return _no_store(render_template("accounts/two_factor.html", enrolled=True, codes=None,
                                         codes_left=twofactor.recovery_codes_left(current_user.id)))
    secret = twofactor.pending_secret(current_user.id)
    form = TwoFactorEnrolForm()
    if form.validate_on_submit():
        # The password too: a copied session alone must not tie the account to somebody else's app.
        if not services.password_is_right(current_user.id, form.password.data):
            form.password.errors = ["Your password is not right."]
            codes = None
        else:
            try:
                codes = twofactor.confirm_enrolment(current_user.id, form.code.data)
            except twofactor.TwoFactorError as exc:
                form.code.errors = [str(exc)]
                codes = None
        if codes:
            record = current_session()
            if record is not None:
                sessions.mark_two_factor(record.id)
            flash("Two-factor sign-in is on. From now on we ask for a code after your password.", "success")
            # Shown once, in this response: they are stored only hashed.
            return _no_store(render_template("accounts/two_factor.html", enrolled=True, codes=codes,
                                             codes_left=len(codes)))
    uri = twofactor.provisioning_uri(secret, current_user.email, current_app.config["STORE_NAME"])
    status = 200 if request.method == "GET" or not form.errors else 400
    return _no_store(render_template("accounts/two_factor.html", enrolled=False, form=form, secret=secret,
                                     qr_src=twofactor.qr_data_uri(uri))), status


# ---------------------------------------------------------------- signed-in devices

@bp.app_template_global()
def account_sessions() -> list:
    """The signed-in user's live sessions for the account page (current one flagged by the template)."""
    if not current_user.is_authenticated:
        return []
    return sessions.active_sessions(current_user.id, max_idle=max_idle())


@bp.app_template_global()
def current_session_id() -> int | None:
    record = current_session()
    return record.id if record is not None else None


@bp.post("/account/sessions/<int:session_id>/revoke")
@login_required
def session_revoke(session_id: int):
    record = current_session()
    try:
        sessions.revoke_for_user(current_user.id, session_id)
    except sessions.SessionNotFound:
        abort(404, description="That session has already ended or is not yours.")
    if record is not None and record.id == session_id:
        logout_user()
        session.clear()
        flash("You are signed out.", "success")
        return redirect(url_for("catalog.home"))
    flash("That device is signed out.", "success")
    return redirect(url_for("accounts.account") + "#sessions-heading")


@bp.post("/account/sessions/revoke-all")
@login_required
def session_revoke_all():
    sessions.revoke_all(current_user.id)
    logout_user()
    session.clear()
    flash("You are signed out everywhere, on this device too.", "success")
    return redirect(url_for("accounts.login"))

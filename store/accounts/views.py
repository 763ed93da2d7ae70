"""Account pages: sign in/up/out, password change and reset, profile, saved addresses; `flask create-admin`."""
from __future__ import annotations

import click
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user, user_loaded_from_cookie

from store.accounts import bp, services, sessions, twofactor
from store.accounts.loader import current_session
from store.accounts.forms import (
    AddressForm, ChangePasswordForm, LoginForm, ProfileForm, RegisterForm, ResetPasswordForm, ResetRequestForm,
)
from store.cart.session import SESSION_KEY as CART_TOKEN_KEY, claim_guest_cart
from store.pricing.services import not_shipped_message, ships_to
from store.extensions import limiter
from store.forms import StoreForm
from store.templating import absolute_url_for
from store.util import is_safe_next


TOO_MANY = "Too many attempts in a short time. Please wait a minute and try again."


def _limit(key: str, default: str):
    """A per-address limit on POSTs, from config key (e.g. LOGIN_RATE_LIMIT) or the default."""
    return limiter.limit(lambda: current_app.config.get(key, default), methods=["POST"], error_message=TOO_MANY)


def _min_length() -> int:
    return current_app.config["PASSWORD_MIN_LENGTH"]


def _next_target(raw: str | None, fallback: str = "accounts.account") -> str:
    return raw if is_safe_next(raw) else url_for(fallback)


def _sign_in(user, remember: bool, two_factor: bool = False) -> None:
    """Renew the session (keeping only the guest cart token, to merge it), start a server-side session record
    (the cookies carry its token), sign in, merge the cart."""
    token = session.get(CART_TOKEN_KEY)
    session.clear()
    _record, session_token = sessions.start(user.id, user_agent=request.headers.get("User-Agent"),
                                            ip=request.remote_addr, remember=remember, two_factor=two_factor)
    user.attach_session(session_token)
    login_user(user, remember=remember)
    session.permanent = bool(remember)
    for note in claim_guest_cart(user.id, token if isinstance(token, str) else None):
        flash(note, "info")


def _claim_on_cookie_sign_in(sender, user, **extra) -> None:
    """A shopper signed in again only through the remember-me cookie gets the guest cart held in this browser
    session merged, just as on a sign-in through the form."""
    token = session.get(CART_TOKEN_KEY)
    if isinstance(token, str) and token:
        for note in claim_guest_cart(user.id, token):
            flash(note, "info")


user_loaded_from_cookie.connect(_claim_on_cookie_sign_in)

from store.accounts.security_views import begin_second_step  # noqa: E402  (the two-factor step, its routes)


@bp.route("/account/login", methods=["GET", "POST"])
@_limit("LOGIN_RATE_LIMIT", "5 per minute")
def login():
    if current_user.is_authenticated:
        return redirect(_next_target(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.BadCredentials as exc:
            form.password.errors = [str(exc)]
        else:
            if twofactor.is_enrolled(user.id):  # half signed in: nothing is granted until the code is right
                return begin_second_step(user, bool(form.remember.data), form.next.data)
            _sign_in(user, bool(form.remember.data))
            flash(f"Welcome back, {user.name or user.email}.", "success")
            return redirect(_next_target(form.next.data))
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" or not form.errors else 400


@bp.route("/account/register", methods=["GET", "POST"])
@_limit("REGISTER_RATE_LIMIT", "10 per hour")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            services.start_registration(
                form.email.data, form.password.data, form.name.data, _min_length(),
                finish_url_for=lambda token: absolute_url_for("accounts.register_finish", token=token),
                sign_in_url=absolute_url_for("accounts.login"), reset_url=absolute_url_for("accounts.reset_request"))
        except services.InvalidEmail as exc:
            form.email.errors = [str(exc)]
        except services.WeakPassword as exc:
            form.password.errors = [str(exc)]
        except services.AccountError as exc:
            form.name.errors = [str(exc)]
        else:
            # The same answer whether or not the address already has an account: an email goes to it either way.
            return redirect(url_for("accounts.register_sent"), code=303)
    status = 200 if request.method == "GET" or not form.errors else 400
    return render_template("accounts/register.html", form=form, min_length=_min_length()), status


@bp.get("/account/register/sent")
def register_sent():
    hours = max(1, current_app.config["REGISTRATION_LINK_MAX_AGE"] // 3600)
    return render_template("accounts/register_sent.html", hours=hours)


@bp.route("/account/register/finish/<token>", methods=["GET", "POST"])
@_limit("REGISTER_RATE_LIMIT", "10 per hour")
def register_finish(token: str):
    """The link in the sign-up email: a button (a POST: following a link changes nothing) creates the account
    and signs its owner in."""
    max_age = current_app.config["REGISTRATION_LINK_MAX_AGE"]
    try:
        data = services.registration_from_token(token, max_age)
    except services.InvalidRegistrationLink as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.register"))
    form = StoreForm()
    if form.validate_on_submit():
        try:
            user = services.finish_registration(token, max_age)
        except services.EmailTaken as exc:
            flash(str(exc), "info")
            return redirect(url_for("accounts.login"))
        except services.InvalidRegistrationLink as exc:
            flash(str(exc), "error")
            return redirect(url_for("accounts.register"))
        if current_user.is_authenticated:
            logout_user()
        _sign_in(user, remember=False)
        flash("Welcome to Kneadwell! Your account is ready.", "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/register_finish.html", form=form, token=token, email=data["e"],
                           name=data["n"]), 200 if request.method == "GET" else 400


@bp.post("/account/logout")
def logout():
    record = current_session()
    if record is not None:
        sessions.revoke(record.id)  # the copied session or remember-me cookie dies with it
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("catalog.home"))


@bp.get("/account")
@login_required
def account():
    form = ProfileForm(name=current_user.name)
    return render_template("accounts/account.html", form=form,
                           addresses=services.list_addresses(current_user.id))


@bp.post("/account/profile")
@login_required
def profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(current_user.id, form.name.data)
        except services.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash("Your details are saved.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form,
                           addresses=services.list_addresses(current_user.id)), 400


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            record = current_session()
            user = services.change_password(current_user.id, form.current_password.data, form.new_password.data,
                                            _min_length(), keep_session_id=record.id if record else None)
        except services.BadCredentials as exc:
            form.current_password.errors = [str(exc)]
        except services.WeakPassword as exc:
            form.new_password.errors = [str(exc)]
        else:
            # The new password changed the user's session stamp: every other session and remember-me cookie is
            # now signed out; sign this one in again under the new id (renewing its remember-me cookie if any).
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            user.attach_session(current_user.get_id().rpartition(":")[2])
            login_user(user, remember=remembered)
            flash("Your password is changed. Any other devices signed in to your account are now signed out.",
                  "success")
            return redirect(url_for("accounts.account"))
    status = 200 if request.method == "GET" or not form.errors else 400
    return render_template("accounts/change_password.html", form=form, min_length=_min_length()), status


RESET_SENT = ("If an account uses that email, we have sent it a link to choose a new password. "
              "The link works for {minutes} minutes. Check your spam folder if it does not arrive.")


@bp.route("/account/reset", methods=["GET", "POST"])
@_limit("RESET_RATE_LIMIT", "5 per minute")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data, lambda token: absolute_url_for("accounts.reset_password", token=token))
        flash(RESET_SENT.format(minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
@_limit("RESET_RATE_LIMIT", "5 per minute")
def reset_password(token: str):
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        services.user_for_reset_token(token, max_age)
    except services.InvalidResetToken as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, max_age, _min_length())
        except services.InvalidResetToken as exc:
            flash(str(exc), "error")
            return redirect(url_for("accounts.reset_request"))
        except services.WeakPassword as exc:
            form.password.errors = [str(exc)]
        else:
            logout_user()
            flash("Your password is changed. Please sign in with the new one.", "success")
            return redirect(url_for("accounts.login"))
    status = 200 if request.method == "GET" or not form.errors else 400
    return render_template("accounts/reset_password.html", form=form, token=token, min_length=_min_length()), status


# ---------------------------------------------------------------- addresses

def _address_data(form: AddressForm) -> services.AddressData:
    return services.AddressData(**{name: form[name].data or "" for name in services.ADDRESS_FIELDS},
                                is_default=bool(form.is_default.data))


def _saved(form: AddressForm, address_id: int | None = None) -> bool:
    try:
        services.save_address(current_user.id, _address_data(form), address_id=address_id)
    except services.AddressCountry as exc:
        form.country.errors = [str(exc)]
        return False
    return True


def _own_address(address_id: int):
    try:
        return services.get_address(current_user.id, address_id)
    except services.AddressNotFound:
        abort(404, description="We could not find that address in your account.")


@bp.route("/account/addresses/new", methods=["GET", "POST"])
@login_required
def address_new():
    form = AddressForm()
    if form.validate_on_submit() and _saved(form):
        flash("Address saved.", "success")
        return redirect(url_for("accounts.account"))
    status = 200 if request.method == "GET" or not form.errors else 400
    return render_template("accounts/address_form.html", form=form, address=None), status


@bp.route("/account/addresses/<int:address_id>/edit", methods=["GET", "POST"])
@login_required
def address_edit(address_id: int):
    address = _own_address(address_id)
    form = AddressForm(obj=address)
    if form.validate_on_submit() and _saved(form, address.id):
        flash("Address updated.", "success")
        return redirect(url_for("accounts.account"))
    if request.method == "GET" and not ships_to(address.country):
        # Saved before the store shipped only to its current countries: say so; the select must not pass
        # for the old country.
        form.country.errors = [not_shipped_message(address.country)]
    status = 200 if request.method == "GET" or not form.errors else 400
    return render_template("accounts/address_form.html", form=form, address=address), status


@bp.post("/account/addresses/<int:address_id>/delete")
@login_required
def address_delete(address_id: int):
    address = _own_address(address_id)
    services.delete_address(current_user.id, address.id)
    flash("Address deleted.", "success")
    return redirect(url_for("accounts.account"))


# ---------------------------------------------------------------- CLI

@bp.cli.command("create-admin")
@click.argument("email")
@click.option("--password", prompt="Password (leave empty to keep an existing account's password)",
              hide_input=True, confirmation_prompt=True, default="", show_default=False,
              help="Prompted for without echo when not given.")
@click.option("--role", type=click.Choice(["owner", "staff", "readonly"]), default="owner", show_default=True,
              help="The back-office role: owner (everything), staff (catalog, stock, shipping) or readonly.")
def create_admin(email: str, password: str, role: str) -> None:
    """Create a back-office account (the shop owner by default), or promote an existing account."""
    try:
        user, created = services.create_or_promote_admin(
            email, password or None, _min_length(), role=role,
            allow_special_use=not current_app.config.get("IS_PRODUCTION", False))
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{'Created' if created else 'Promoted'} admin {user.email} ({user.role}).")

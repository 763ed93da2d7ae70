"""Account rules: emails, password policy and hashing, registration, sign-in, password change and reset,
profile, saved addresses, admins. Services take explicit arguments; each use case commits once."""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from store import outbox
from store.accounts import sessions
from store.accounts.models import BACK_OFFICE_ROLES, Address, Role, User
from store.pricing.services import not_shipped_message, ships_to
from store.db import transaction
from store.extensions import db
from store.accounts.emails import queue_email
from store.util import utcnow

log = logging.getLogger(__name__)

HASH_METHOD = "scrypt"
RESET_SALT = "kneadwell.password-reset.v1"
REGISTER_SALT = "kneadwell.registration.v1"
MAX_PASSWORD_LENGTH = 200
SIGN_IN_FAILED = "That email and password do not match an account. Check them and try again."
# A real scrypt hash to check against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-kneadwell", method=HASH_METHOD)


class AccountError(Exception):
    """A problem the person can be told about."""


class InvalidEmail(AccountError):
    pass


class WeakPassword(AccountError):
    pass


class EmailTaken(AccountError):
    pass


class BadCredentials(AccountError):
    def __init__(self, message: str = SIGN_IN_FAILED):
        super().__init__(message)


class InvalidResetToken(AccountError):
    pass


class InvalidRegistrationLink(AccountError):
    pass


class AddressNotFound(AccountError):
    pass


class AddressCountry(AccountError):
    """An address outside the countries the store ships to."""


# ---------------------------------------------------------------- emails and passwords

# Special-use names (RFC 6761, 6762, 8375; ICANN's .internal) that never reach the public internet: refused for
# shoppers, accepted for back-office accounts outside production (a test shop's admin@kneadwell.test).
SPECIAL_USE_SUFFIXES = ("test", "local", "localhost", "invalid", "internal", "home.arpa")


def _special_use(domain: str) -> str | None:
    """The special-use suffix ``domain`` ends with, or None."""
    return next((s for s in SPECIAL_USE_SUFFIXES if domain == s or domain.endswith("." + s)), None)


def normalise_email(raw: str | None, *, allow_special_use: bool = False) -> str:
    """Trimmed, lower-cased, syntax-checked (no DNS lookups). ``allow_special_use`` also accepts a domain under
    a special-use name (``.test``, ``.local``, ...), its labels still checked."""
    text = (raw or "").strip().lower()
    if not text or len(text) > 254:
        raise InvalidEmail("Please enter a valid email address, like name@example.com.")
    local, _, domain = text.rpartition("@")
    suffix = _special_use(domain) if allow_special_use else None
    try:
        if suffix is not None:
            # Check the syntax with the special-use suffix swapped for a reserved public-looking one.
            stem = domain[: -len(suffix)].rstrip(".") or "host"
            validate_email(f"{local}@{stem}.example", check_deliverability=False)
            return text
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail("Please enter a valid email address, like name@example.com.") from exc
    return result.normalized.lower()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#"))


def check_password_policy(password: str, min_length: int, email: str | None = None) -> None:
    password = password or ""
    if len(password) < min_length:
        raise WeakPassword(f"Choose a password of at least {min_length} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters.")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        raise WeakPassword("That password is too common and easy to guess. Please choose another.")
    if email and lowered == email.lower():
        raise WeakPassword("Your password must not be your email address.")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


# ---------------------------------------------------------------- users

def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_user_by_email(email: str) -> User | None:
    try:
        email = normalise_email(email, allow_special_use=True)  # a lookup: only finds accounts that exist
    except InvalidEmail:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def _check_registration(email: str, password: str, name: str, min_length: int) -> tuple[str, str]:
    email = normalise_email(email)
    name = (name or "").strip()
    if not name:
        raise AccountError("Please tell us your name.")
    if len(name) > 120:
        raise AccountError("Please shorten your name to 120 characters.")
    check_password_policy(password, min_length, email)
    return email, name


def register(email: str, password: str, name: str, min_length: int) -> User:
    """Create an account at once (the CLI and tests; the web form goes through start_registration)."""
    email, name = _check_registration(email, password, name, min_length)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken("An account with this email already exists. Sign in, or reset your password if "
                         "you have forgotten it.")
    user = User(email=email, name=name, password_hash=hash_password(password), role=Role.CUSTOMER.value)
    try:
        with transaction():
            db.session.add(user)
    except IntegrityError as exc:  # the same email registered at the same moment (already rolled back)
        raise EmailTaken("An account with this email already exists.") from exc
    return user


def _registration_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REGISTER_SALT)


def start_registration(email: str, password: str, name: str, min_length: int, *, finish_url_for,
                       sign_in_url: str, reset_url: str) -> None:
    """The sign-up form, answered the same way whether or not the email already has an account (no
    enumeration): the input is checked and the password hashed in both cases, and an email goes to the
    address in both cases. A new address gets a link that creates the account (nothing is stored until the
    owner of the mailbox follows it, so nobody can hold an address they do not read); an address that already
    has an account is told that someone tried to sign up with it, and how to sign in or reset the password.

    Raises InvalidEmail, WeakPassword or AccountError for input problems (they do not depend on the address
    being known). finish_url_for(token) builds the absolute link."""
    email, name = _check_registration(email, password, name, min_length)
    password_hash = hash_password(password)
    store_name = current_app.config["STORE_NAME"]
    hours = max(1, current_app.config["REGISTRATION_LINK_MAX_AGE"] // 3600)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        log.info("Sign-up attempted for an email that already has an account")
        queue_email(email, f"Someone tried to create a {store_name} account with your email", "account_exists",
                    name=name, sign_in_url=sign_in_url, reset_url=reset_url)
        return
    token = _registration_serializer().dumps({"e": email, "n": name, "h": password_hash})
    queue_email(email, f"Finish creating your {store_name} account", "registration_finish", name=name,
                finish_url=finish_url_for(token), hours=hours)


def registration_from_token(token: str, max_age: int) -> dict:
    try:
        data = _registration_serializer().loads(token or "", max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidRegistrationLink("That sign-up link has expired. Please sign up again.") from exc
    except BadSignature as exc:
        raise InvalidRegistrationLink("That sign-up link is not valid. Please sign up again.") from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) and data.get(k) for k in "enh"):
        raise InvalidRegistrationLink("That sign-up link is not valid. Please sign up again.")
    return data


def finish_registration(token: str, max_age: int) -> User:
    """Create the account a sign-up link describes. EmailTaken when it exists already (the link was used, or
    the address signed up twice): the person is told to sign in."""
    data = registration_from_token(token, max_age)
    taken = EmailTaken("Your account is already set up. Please sign in.")
    if db.session.scalar(select(User.id).where(User.email == data["e"])) is not None:
        raise taken
    user = User(email=data["e"], name=data["n"][:120], password_hash=data["h"], role=Role.CUSTOMER.value)
    try:
        with transaction():
            db.session.add(user)
    except IntegrityError as exc:  # both links of a double sign-up followed at the same moment
        raise taken from exc
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, or BadCredentials (one message for every failure)."""
    try:
        # A lookup: special-use domains only match accounts create-admin made outside production.
        email = normalise_email(email, allow_special_use=True)
    except InvalidEmail:
        email = None
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    candidate = user.password_hash if user is not None else _DUMMY_HASH
    ok = check_password_hash(candidate, (password or "")[:MAX_PASSWORD_LENGTH])
    if user is None or not ok or not user.active:
        raise BadCredentials()
    return user


def password_is_right(user_id: int, password: str) -> bool:
    """For a signed-in user confirming a sensitive change (turning on two-factor sign-in)."""
    user = db.session.get(User, user_id)
    return user is not None and check_password_hash(user.password_hash, (password or "")[:MAX_PASSWORD_LENGTH])


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def change_password(user_id: int, current_password: str, new_password: str, min_length: int,
                    keep_session_id: int | None = None) -> User:
    """Change the password and end every other session of the user (keep_session_id stays signed in)."""
    with transaction():
        user = db.session.get(User, user_id)
        if user is None or not check_password_hash(user.password_hash, current_password or ""):
            raise BadCredentials("Your current password is not right.")
        check_password_policy(new_password, min_length, user.email)
        if check_password_hash(user.password_hash, new_password):
            raise WeakPassword("Your new password must be different from the current one.")
        _set_password(user, new_password)
        sessions.revoke_all(user.id, keep_id=keep_session_id, reason="password", commit=False)
    return user


def update_profile(user_id: int, name: str) -> User:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise AccountError("Please enter your name (up to 120 characters).")
    with transaction():
        user = db.session.get(User, user_id)
        user.name = name
    return user


# ---------------------------------------------------------------- password reset

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    """Changes whenever the password hash changes, so a used (or old) token stops working."""
    return _fingerprint_of(user.password_hash)


def _fingerprint_of(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str, max_age: int) -> User:
    try:
        data = _serializer().loads(token or "", max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidResetToken("That reset link has expired. Please ask for a new one.") from exc
    except BadSignature as exc:
        raise InvalidResetToken("That reset link is not valid. Please ask for a new one.") from exc
    user = None
    if isinstance(data, dict) and isinstance(data.get("uid"), int):
        user = db.session.get(User, data["uid"])
    if user is None or not user.active or not hmac.compare_digest(str(data.get("fp", "")), _fingerprint(user)):
        raise InvalidResetToken("That reset link has already been used or is no longer valid. "
                                "Please ask for a new one.")
    return user


def request_password_reset(email: str, reset_url_for) -> bool:
    """Email a reset link when the address belongs to an active account. The same work is done either way (a
    token made, the email rendered and handed to the mail seam, which sends it only for a real account), so
    neither the page nor its timing tells whether the address is known. reset_url_for(token) builds the
    absolute link. The result is for tests and logs, never for the page."""
    user = get_user_by_email(email)
    known = user is not None and user.active
    if not known:
        log.info("Password reset asked for an unknown email")
    token = make_reset_token(user) if known else _serializer().dumps({"uid": 0, "fp": _fingerprint_of("")})
    queue_email(user.email if known else (email or ""), f"Reset your {current_app.config['STORE_NAME']} password",
                "password_reset", deliver=known,
                key=outbox.stable_key("password-reset", user.id, secret=token) if known else None,
                user={"name": user.name, "email": user.email} if known else {"name": "", "email": email or ""},
                reset_url=reset_url_for(token), minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    return known


def reset_password(token: str, new_password: str, max_age: int, min_length: int) -> User:
    with transaction():
        user = user_for_reset_token(token, max_age)
        check_password_policy(new_password, min_length, user.email)
        _set_password(user, new_password)
        sessions.revoke_all(user.id, reason="password", commit=False)
    return user


# ---------------------------------------------------------------- admins

def create_or_promote_admin(email: str, password: str | None, min_length: int,
                            role: Role = Role.OWNER, *, allow_special_use: bool = False) -> tuple[User, bool]:
    """Make a back-office user (the shop owner unless ``role`` says staff or readonly): a new account (password
    required) or an existing one promoted (password optional: when given it replaces the old one).
    ``allow_special_use`` (outside production) accepts addresses like admin@kneadwell.test.
    Returns (user, created)."""
    role = Role(role)
    if role not in BACK_OFFICE_ROLES:
        raise AccountError(f"{role} is not a back-office role (owner, staff or readonly).")
    email = normalise_email(email, allow_special_use=allow_special_use)
    with transaction():
        user = db.session.scalar(select(User).where(User.email == email))
        created = user is None
        if password:
            check_password_policy(password, min_length, email)
        elif created:
            raise WeakPassword("A new admin needs a password.")
        if created:
            user = User(email=email, name=email.split("@")[0], password_hash=hash_password(password))
            db.session.add(user)
        elif password:
            _set_password(user, password)
        user.role = role.value
        user.active = True
    return user, created


# ---------------------------------------------------------------- addresses

ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "region", "postal_code", "country", "phone")


@dataclass
class AddressData:
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str = "US"
    line2: str = ""
    region: str = ""
    phone: str = ""
    is_default: bool = False


def list_addresses(user_id: int) -> list[Address]:
    return list(db.session.scalars(
        select(Address).where(Address.user_id == user_id).order_by(Address.is_default.desc(), Address.id)))


def get_address(user_id: int, address_id: int) -> Address:
    """The user's own address; anybody else's (or a missing one) raises AddressNotFound."""
    address = db.session.scalar(select(Address).where(Address.id == address_id, Address.user_id == user_id))
    if address is None:
        raise AddressNotFound("We could not find that address.")
    return address


def _clear_default(user_id: int, keep_id: int | None) -> None:
    stmt = update(Address).where(Address.user_id == user_id, Address.is_default.is_(True))
    if keep_id is not None:
        stmt = stmt.where(Address.id != keep_id)
    db.session.execute(stmt.values(is_default=False).execution_options(synchronize_session="fetch"))


def save_address(user_id: int, data: AddressData, address_id: int | None = None) -> Address:
    """Save a new or edited address; only in a country the store ships to (AddressCountry otherwise)."""
    if not ships_to(data.country):
        raise AddressCountry(not_shipped_message(data.country))
    with transaction():
        first = address_id is None and db.session.scalar(
            select(Address.id).where(Address.user_id == user_id).limit(1)) is None
        if address_id is None:
            address = Address(user_id=user_id)
            db.session.add(address)
        else:
            address = get_address(user_id, address_id)
        for name in ADDRESS_FIELDS:
            setattr(address, name, (getattr(data, name) or "").strip())
        address.country = address.country.upper()
        address.is_default = bool(data.is_default or first)
        db.session.flush()
        if address.is_default:
            _clear_default(user_id, address.id)
    return address


def delete_address(user_id: int, address_id: int) -> None:
    with transaction():
        address = get_address(user_id, address_id)
        db.session.delete(address)

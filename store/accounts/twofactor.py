"""Two-factor sign-in: TOTP (RFC 6238, pyotp) with a QR code drawn locally as SVG (segno), and ten one-time
recovery codes stored as salted SHA-256.

Enrolment: ``begin_enrolment`` stores a fresh secret unconfirmed; ``confirm_enrolment`` needs a right code from
the app before it takes effect and returns the recovery codes (shown once). ``verify`` accepts a TOTP code once
(its time step must be newer than the last accepted one: a conditional UPDATE, so two requests cannot both use
it) or a recovery code once. The secret is stored unencrypted (see auth_models).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from store.accounts.auth_models import RecoveryCode, TwoFactor
from store.db import transaction
from store.extensions import db
from store.util import utcnow

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class TwoFactorError(Exception):
    """A problem the person can be told about."""


class WrongCode(TwoFactorError):
    def __init__(self, message: str = "That code is not right, or it was already used. "
                                      "Enter the current code from your authenticator app."):
        super().__init__(message)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


def credential(user_id: int) -> TwoFactor | None:
    return db.session.scalar(select(TwoFactor).where(TwoFactor.user_id == user_id))


def is_enrolled(user_id: int) -> bool:
    return db.session.scalar(select(TwoFactor.id).where(TwoFactor.user_id == user_id,
                                                        TwoFactor.confirmed_at.is_not(None))) is not None


def pending_secret(user_id: int) -> str:
    """The unconfirmed secret being enrolled (a new one on the first visit; two first visits at once share the
    one that was stored first)."""
    try:
        return _pending_secret(user_id)
    except IntegrityError:  # the other visit stored its secret first (already rolled back)
        return _pending_secret(user_id)


def _pending_secret(user_id: int) -> str:
    with transaction():
        cred = credential(user_id)
        if cred is not None and cred.confirmed_at is not None:
            raise TwoFactorError("Two-factor sign-in is already on for this account.")
        if cred is None:
            cred = TwoFactor(user_id=user_id, secret=pyotp.random_base32(), last_step=0)
            db.session.add(cred)
        secret = cred.secret
    return secret


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return _totp(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The QR code of the otpauth:// URI as an SVG data: URI for an <img> (drawn here: no external service)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def _clean(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()[:40]


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (previous, current or next: clock drift) whose code this is, else None."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = _totp(secret)
    current = int(now) // totp.interval
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def _use_step(cred_id: int, step: int) -> bool:
    """Accept the step once: only when newer than the last accepted (atomic, rowcount checked)."""
    result = db.session.execute(
        update(TwoFactor).where(TwoFactor.id == cred_id, TwoFactor.last_step < step)
        .values(last_step=step).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _hash_code(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def _new_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        salt = secrets.token_hex(8)
        db.session.add(RecoveryCode(user_id=user_id, salt=salt, code_hash=_hash_code(salt, raw)))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def confirm_enrolment(user_id: int, code: str, now: float | None = None) -> list[str]:
    """Turn two-factor on with a right code from the app; returns the ten recovery codes (shown once)."""
    now = time.time() if now is None else now
    with transaction():
        cred = credential(user_id)
        if cred is None:
            raise TwoFactorError("Start again: open the two-factor page to get a new QR code.")
        if cred.confirmed_at is not None:
            raise TwoFactorError("Two-factor sign-in is already on for this account.")
        step = _matching_step(cred.secret, _clean(code), now)
        if step is None or not _use_step(cred.id, step):
            raise WrongCode("That code is not right. Enter the 6-digit code your app shows now.")
        db.session.execute(update(TwoFactor).where(TwoFactor.id == cred.id).values(confirmed_at=utcnow())
                           .execution_options(synchronize_session=False))
        codes = _new_recovery_codes(user_id)
    return codes


def verify(user_id: int, code: str, now: float | None = None) -> str:
    """Check a sign-in code: "totp" or "recovery" when accepted (and used up), WrongCode otherwise."""
    now = time.time() if now is None else now
    cleaned = _clean(code)
    with transaction():
        cred = credential(user_id)
        if cred is None or cred.confirmed_at is None:
            raise WrongCode()
        step = _matching_step(cred.secret, cleaned, now)
        if step is not None:
            if _use_step(cred.id, step):
                return "totp"
            raise WrongCode("That code was already used. Wait for the next code in your app and enter it.")
        if len(cleaned) == 10:
            for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                                                     RecoveryCode.used_at.is_(None))):
                if hmac.compare_digest(row.code_hash, _hash_code(row.salt, cleaned)):
                    used = db.session.execute(
                        update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                        .values(used_at=utcnow()).execution_options(synchronize_session=False))
                    if used.rowcount == 1:
                        return "recovery"
        raise WrongCode()


def recovery_codes_left(user_id: int) -> int:
    from sqlalchemy import func
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0

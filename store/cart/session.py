"""The cart of the current visitor, for views: the signed-in user's cart, or the guest cart whose unguessable
token lives in the signed session cookie under "cart_token". Only views import this module."""
from __future__ import annotations

import secrets

from flask import current_app, g, session
from flask_login import current_user

from store.cart import services
from store.cart.models import Cart

SESSION_KEY = "cart_token"


def _identity() -> tuple[int | None, str | None]:
    if current_user.is_authenticated:
        return current_user.id, None
    token = session.get(SESSION_KEY)
    return None, token if isinstance(token, str) and token else None


def current_cart(create: bool = False) -> Cart | None:
    """The visitor's cart with its lines eager-loaded; with create=True one is made (and a guest token
    issued) when there is none."""
    user_id, token = _identity()
    if not create:
        return services.get_cart(user_id, token)
    if user_id is None and token is None:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return services.get_or_create_cart(user_id, token)


def guest_token() -> str | None:
    token = session.get(SESSION_KEY)
    return token if isinstance(token, str) and token else None


def forget_guest_cart() -> None:
    session.pop(SESSION_KEY, None)


def claim_guest_cart(user_id: int, token: str | None) -> list[str]:
    """Call right after sign-in or sign-up (with the token read before the session was renewed): the guest
    cart joins the user's. Returns notes to flash about capped or dropped items."""
    notes = services.claim_guest_cart(token, user_id, current_app.config["CART_MAX_LINE_QUANTITY"])
    forget_guest_cart()
    return notes


def max_line() -> int:
    return current_app.config["CART_MAX_LINE_QUANTITY"]


def remember_count(count: int) -> None:
    """A view that already summarised the cart saves the header's count query."""
    g._mini_cart_count = count

"""The header's mini-cart count: no query for a visitor without a cart (no guest token, not signed in),
one small SUM query otherwise (none when the view already summarised the cart)."""
from __future__ import annotations

from flask import Flask, g, has_request_context, session
from flask_login import current_user

from store.cart.services import count_items
from store.cart.session import SESSION_KEY


def register(app: Flask) -> None:
    app.add_template_global(mini_cart_count, "mini_cart_count")


def mini_cart_count() -> int:
    if not has_request_context():
        return 0
    cached = g.get("_mini_cart_count")
    if cached is not None:
        return cached
    if current_user.is_authenticated:
        count = count_items(current_user.id, None)
    else:
        token = session.get(SESSION_KEY)
        count = count_items(None, token) if isinstance(token, str) and token else 0
    g._mini_cart_count = count
    return count

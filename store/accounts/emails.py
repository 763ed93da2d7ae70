"""The one seam through which the account and guest-order emails of issue 10 leave (registration, "someone tried
to register", password reset, a fresh guest-order link): ``queue_email``.

Each of those requests writes nothing else, so the email is its own small use case: an outbox row committed in
one transaction (``store.outbox``), delivered later by the worker. No request talks to SMTP, so a known and an
unknown address take the same time whatever the mail server does (no account enumeration by timing).

Callers pass plain values (strings, numbers, dicts), never ORM objects."""
from __future__ import annotations

import secrets

from store import outbox
from store.db import transaction


def queue_email(to: str, subject: str, template: str, *, deliver: bool = True, key: str | None = None,
                order_id: int | None = None, **context) -> None:
    """Render templates/emails/<template>.txt (and .html) and queue it in the outbox. ``deliver=False`` renders
    the same message and writes nothing: the answer for an address that must not be told apart from a real one
    (an unknown email asking for a reset). ``key`` dedupes (default: every call is its own message)."""
    if not deliver:
        outbox.render_email(template, **context)
        return
    with transaction():
        outbox.enqueue_email(key=key or outbox.stable_key(template, secrets.token_hex(16)), to=to, subject=subject,
                             template=template, order_id=order_id, **context)

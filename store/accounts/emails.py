"""The one seam through which the account and guest-order emails of issue 10 leave (registration, "someone tried
to register", password reset, a fresh guest-order link): ``queue_email``.

Until the outbox (issue 18) lands it renders the message in the request and hands it to a short-lived thread
that talks to SMTP, so the request takes the same time whether or not an email goes out (no account enumeration
by timing) and never waits on the mail server. At the merge this one function becomes
``store.outbox.enqueue_email(...)`` (a row in the caller's transaction), rendering included.

Callers pass plain values (strings, numbers), never ORM objects, so the message can be rendered later by a
worker too."""
from __future__ import annotations

import logging
import threading

from flask import current_app, render_template
from jinja2 import TemplateNotFound

from store.mail import MailError, send_mail

log = logging.getLogger(__name__)


def render_email(template: str, **context) -> tuple[str, str | None]:
    text = render_template(f"emails/{template}.txt", **context)
    try:
        html = render_template(f"emails/{template}.html", **context)
    except TemplateNotFound:
        html = None
    return text, html


def queue_email(to: str, subject: str, template: str, *, deliver: bool = True, **context) -> None:
    """Render templates/emails/<template>.txt (and .html) and send it without making the caller wait.
    ``deliver=False`` does the same work and sends nothing: the answer for an address that must not be told
    apart from a real one (an unknown email asking for a reset)."""
    text, html = render_email(template, **context)
    if not deliver:
        return
    app = current_app._get_current_object()

    def _send() -> None:
        with app.app_context():
            try:
                send_mail(to, subject, text, html)
            except MailError:
                log.exception("Could not send the %s email", template)

    threading.Thread(target=_send, name=f"mail-{template}", daemon=True).start()

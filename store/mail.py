"""Outgoing mail: the HTML layout's CSS inlined, one multipart message built and handed to the SMTP server.

Only the outbox worker calls ``send_message`` (store/outbox/delivery.py); web requests write outbox rows
instead (store.outbox.enqueue_email). With MAIL_SERVER unset (development) messages are written to the log;
otherwise they go over SMTP (STARTTLS with MAIL_USE_TLS, login with MAIL_USERNAME / MAIL_PASSWORD), every
socket operation bounded by MAIL_TIMEOUT.

Every email has a plain-text part and an HTML part: the HTML templates extend ``templates/emails/_layout.html``,
whose ``<style>`` (``templates/emails/_email.css``) ``inline_css`` moves into ``style`` attributes (css-inline),
since many mail clients drop ``<style>`` elements. Media queries stay in a ``<style>`` for those that read them.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

import css_inline
from flask import current_app

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The message was not accepted. ``permanent`` is True for a 5xx answer (retrying will not help)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


_inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)


def inline_css(html: str | None) -> str | None:
    """The layout's stylesheet moved into ``style`` attributes (never fetching anything remote)."""
    if not html:
        return html
    return _inliner.inline(html)


def new_message_id() -> str:
    """A fresh, globally unique Message-ID in the sender's domain (stored on the outbox row, so a retried
    delivery of the same message carries the same id and receivers can tell it is one message)."""
    domain = parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")[1].rpartition("@")[2]
    return make_msgid(domain=domain or "kneadwell.local")


def build_message(to: str, subject: str, text: str, html: str | None = None, *,
                  message_id: str | None = None, sender: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender or current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or new_message_id()
    message.set_content(text)  # multipart/alternative: the plain text first, the HTML (inlined CSS) preferred
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def send_message(message: EmailMessage) -> None:
    """Send one built message over SMTP. Raises MailError (with ``permanent`` for a 5xx refusal)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("Mail (not sent, MAIL_SERVER unset) to %s: %s\n%s", message["To"], message["Subject"],
                 message.get_body(preferencelist=("plain",)).get_content())
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config.get("MAIL_TIMEOUT", 20)) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Could not send mail to {message['To']}: {exc}", permanent=_is_permanent(exc)) from exc

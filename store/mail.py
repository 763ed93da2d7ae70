"""Outgoing mail. With MAIL_SERVER unset (development) messages are written to the log; otherwise they go
over SMTP (STARTTLS with MAIL_USE_TLS, login with MAIL_USERNAME / MAIL_PASSWORD)."""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from jinja2 import TemplateNotFound

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    pass


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="kneadwell.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send_mail(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = build_message(to, subject, text, html)
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("Mail (not sent, MAIL_SERVER unset) to %s: %s\n%s", to, subject, text)
        return message
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Could not send mail to {to}: {exc}") from exc
    return message


def send_template(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render templates/emails/<template>.txt (and .html when it exists) and send."""
    text = render_template(f"emails/{template}.txt", **context)
    try:
        html = render_template(f"emails/{template}.html", **context)
    except TemplateNotFound:
        html = None
    return send_mail(to, subject, text, html)

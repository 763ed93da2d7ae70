"""Disclaimer versions from the back office: every save is a new version, audited in the same transaction."""
from __future__ import annotations

from store.admin.audit import services as audit
from store.db import transaction
from store.extensions import db
from store.safety.models import Disclaimer, DisclaimerKind
from store.safety.services import MissingDisclaimer, current_disclaimer, new_disclaimer_version


def current_or_none(kind: DisclaimerKind) -> Disclaimer | None:
    try:
        return current_disclaimer(kind)
    except MissingDisclaimer:
        return None


def save_disclaimer(kind: DisclaimerKind, title: str, body: str, *, actor_id: int | None) -> Disclaimer:
    with transaction():
        previous = current_or_none(kind)
        disclaimer = new_disclaimer_version(kind, title, body, actor_id, commit=False)
        db.session.flush()
        audit.record(actor_id, "disclaimer.new_version", disclaimer, {
            "version": [previous.version if previous else None, disclaimer.version],
            "title": [previous.title if previous else None, disclaimer.title],
            "body": [previous.body if previous else None, disclaimer.body],
        })
    return disclaimer

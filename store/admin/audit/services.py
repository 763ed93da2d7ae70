"""The audit log: every admin write records who, when, what, and before/after of each changed field.

``record`` only adds the row to the session: it is written in the same transaction as the change it
describes, committed (or rolled back) together by the calling service.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from store.accounts.models import User
from store.admin.audit.models import AuditLog
from store.extensions import db
from store.util import date_arg, int_in_range, page_number


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def object_ref(obj: Any) -> tuple[str, str]:
    """(object_type, object_id) for a model instance or an explicit ("type", id) pair."""
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    return type(obj).__name__.lower(), str(getattr(obj, "id", ""))


def record(actor_id: int | None, action: str, obj: Any, changes: dict | None = None, reason: str = "") -> AuditLog:
    object_type, object_id = object_ref(obj)
    entry = AuditLog(actor_id=actor_id, action=action, object_type=object_type, object_id=object_id,
                     changes={k: [_jsonable(b), _jsonable(a)] for k, (b, a) in (changes or {}).items()},
                     reason=(reason or "")[:500])
    db.session.add(entry)
    return entry


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


# ------------------------------------------------------------------ viewer

@dataclass
class AuditFilter:
    actor_id: int | None = None
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def parse_filter(args) -> AuditFilter:
    return AuditFilter(actor_id=int_in_range(args.get("actor")), action=(args.get("action") or "").strip()[:80],
                       object_type=(args.get("object_type") or "").strip()[:40],
                       object_id=(args.get("object_id") or "").strip()[:40],
                       date_from=date_arg(args.get("from")), date_to=date_arg(args.get("to")),
                       page=page_number(args.get("page"), maximum=100_000))


def audit_statement(f: AuditFilter) -> Select:
    stmt = select(AuditLog).options(joinedload(AuditLog.actor))
    if f.actor_id:
        stmt = stmt.where(AuditLog.actor_id == f.actor_id)
    if f.action:
        stmt = stmt.where(AuditLog.action == f.action)
    if f.object_type:
        stmt = stmt.where(AuditLog.object_type == f.object_type)
    if f.object_id:
        stmt = stmt.where(AuditLog.object_id == f.object_id)
    if f.date_from:
        stmt = stmt.where(AuditLog.created_at >= datetime.combine(f.date_from, datetime.min.time()))
    if f.date_to:
        stmt = stmt.where(AuditLog.created_at < datetime.combine(f.date_to + timedelta(days=1), datetime.min.time()))
    return stmt.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())


def filter_choices() -> dict[str, list]:
    """Distinct actions, object types and actors that appear in the log (for the filter selects)."""
    actions = list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))
    types = list(db.session.scalars(select(AuditLog.object_type).distinct().order_by(AuditLog.object_type)))
    actors = db.session.execute(
        select(User.id, User.email).where(User.id.in_(select(AuditLog.actor_id).distinct()))
        .order_by(User.email)).all()
    return {"actions": actions, "object_types": types, "actors": actors}

"""Compliance use cases: each one transaction, audited."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from store.admin.audit import services as audit
from store.db import transaction
from store.extensions import db
from store.safety import reports, screening
from store.safety.models import ClaimOverride, ClaimTerm, ProblemReport


def terms() -> list[ClaimTerm]:
    return list(db.session.scalars(select(ClaimTerm).order_by(ClaimTerm.kind, ClaimTerm.term)))


def add_term(kind: str, term: str, note: str, *, actor_id: int | None) -> ClaimTerm:
    try:
        with transaction():
            row = screening.add_term(kind, term, note, actor_id=actor_id)
            audit.record(actor_id, "claims.term_add", ("claim_term", row.id),
                         {"kind": [None, row.kind], "term": [None, row.term], "note": [None, row.note]})
    except IntegrityError as exc:
        raise screening.TermInvalid("That term is already in the lexicon.") from exc
    return row


def delete_term(term_id: int, *, actor_id: int | None) -> None:
    with transaction():
        row = db.session.get(ClaimTerm, term_id)
        if row is None:
            raise screening.TermInvalid("That term is no longer in the lexicon.")
        audit.record(actor_id, "claims.term_delete", ("claim_term", row.id),
                     {"kind": [row.kind, None], "term": [row.term, None]})
        db.session.delete(row)


def overrides(limit: int = 200) -> list[ClaimOverride]:
    return list(db.session.scalars(select(ClaimOverride).order_by(ClaimOverride.created_at.desc(),
                                                                  ClaimOverride.id.desc()).limit(limit)))


def report(report_id: int) -> ProblemReport | None:
    return db.session.scalar(select(ProblemReport).where(ProblemReport.id == report_id)
                             .options(joinedload(ProblemReport.product)))


def set_report_status(report_id: int, status: str, *, actor_id: int | None) -> ProblemReport:
    with transaction():
        row = db.session.get(ProblemReport, report_id)
        if row is None:
            raise reports.ReportInvalid("That report no longer exists.")
        before = row.status
        reports.set_report_status(row, status)
        if before != row.status:
            audit.record(actor_id, "problem_report.status", row, {"status": [before, row.status]})
    return row

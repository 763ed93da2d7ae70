"""Problem reports: a customer tells us about a reaction or a defect (what happened, which product, batch or lot,
an order number, a contact). Stored for the admins; the confirmation email is an outbox row written in the same
transaction. US cosmetics rules expect a reachable contact for adverse events: this is it."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from store import outbox
from store.catalog.models import Product, ProductStatus
from store.db import transaction
from store.extensions import db
from store.safety.models import ProblemReport, ProblemReportStatus


class ReportInvalid(ValueError):
    pass


@dataclass
class ReportData:
    what_happened: str
    contact_email: str
    product_id: int | None = None
    order_number: str = ""
    batch_lot: str = ""
    contact_name: str = ""
    contact_phone: str = ""


def reportable_products() -> list[tuple[int, str]]:
    """(id, name) of the products a customer may report on: everything that is or was on sale."""
    return list(db.session.execute(
        select(Product.id, Product.name).where(Product.status != ProductStatus.DRAFT).order_by(Product.name)).all())


def product_by_slug(slug) -> Product | None:
    if not isinstance(slug, str) or not slug or len(slug) > 160 or "\x00" in slug:
        return None
    return db.session.scalar(select(Product).where(Product.slug == slug, Product.status != ProductStatus.DRAFT))


def _new_reference() -> str:
    return "PR-" + secrets.token_hex(4).upper()


def submit_report(data: ReportData, *, user_id: int | None) -> ProblemReport:
    """Store the report and queue its confirmation email, in one transaction."""
    what = (data.what_happened or "").strip()
    email = (data.contact_email or "").strip().lower()
    if not what:
        raise ReportInvalid("Tell us what happened.")
    if not email or "@" not in email:
        raise ReportInvalid("Give an email address so we can reach you.")
    with transaction():
        product = db.session.get(Product, data.product_id) if data.product_id else None
        if product is not None and product.status == ProductStatus.DRAFT:
            product = None
        report = ProblemReport(
            reference=_new_reference(), product_id=product.id if product else None,
            product_name=product.name if product else "", order_number=(data.order_number or "").strip()[:40],
            batch_lot=(data.batch_lot or "").strip()[:80], what_happened=what[:10_000],
            contact_name=(data.contact_name or "").strip()[:120], contact_email=email[:254],
            contact_phone=(data.contact_phone or "").strip()[:40], user_id=user_id,
            status=ProblemReportStatus.NEW.value)
        db.session.add(report)
        db.session.flush()
        outbox.enqueue_email(key=f"problem_report:{report.reference}", to=report.contact_email,
                             subject=f"We have your report {report.reference}", template="problem_report_received",
                             report=report)
    return report


def report_list(status: str = "") -> list[ProblemReport]:
    stmt = select(ProblemReport).order_by(ProblemReport.created_at.desc(), ProblemReport.id.desc())
    if status in {s.value for s in ProblemReportStatus}:
        stmt = stmt.where(ProblemReport.status == status)
    return list(db.session.scalars(stmt.limit(500)))


def set_report_status(report: ProblemReport, status: str) -> None:
    """Caller commits (and audits)."""
    if status not in {s.value for s in ProblemReportStatus}:
        raise ReportInvalid("Choose new, reviewing or closed.")
    report.status = status

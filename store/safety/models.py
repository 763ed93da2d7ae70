"""Safety information: versioned disclaimers (per-product warnings live on Product.warnings, versioned by
Product.warnings_version), the owner's claims lexicon, claims overrides with evidence, and problem reports."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


class DisclaimerKind(enum.StrEnum):
    PRODUCT = "product"  # shown on every product page and acknowledged at checkout
    GUIDE = "guide"      # the educational disclaimer on every guide page


class Disclaimer(db.Model):
    """One version of a disclaimer text. Versions are never edited: a change is a new row."""
    __tablename__ = "disclaimers"
    __table_args__ = (
        UniqueConstraint("kind", "version", name="uq_disclaimers_kind_version"),
        CheckConstraint("length(trim(body)) > 0", name="body_required"),
        CheckConstraint("kind IN ('product', 'guide')", name="kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    effective_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    def __repr__(self) -> str:
        return f"<Disclaimer {self.kind} v{self.version}>"


# ---------------------------------------------------------------- the claims lexicon and overrides

class ClaimTermKind(enum.StrEnum):
    CONDITION = "condition"   # joins the condition list: "eases <it>", "<it> relief", "for <it>" are claims
    PHRASE = "phrase"         # flagged wherever it appears


class ClaimTerm(db.Model):
    """The owner's extension of the claims lexicon (store/claims.py holds the built-in one). Read by every
    screen from the database, so every instance sees the same lexicon."""
    __tablename__ = "claim_terms"
    __table_args__ = (
        UniqueConstraint("kind", "term", name="uq_claim_terms_kind_term"),
        CheckConstraint("kind IN ('condition', 'phrase')", name="kind_valid"),
        CheckConstraint("length(trim(term)) > 0", name="term_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    term: Mapped[str] = mapped_column(String(120))       # lower-case, single spaces
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)


class ClaimOverride(db.Model):
    """Flagged copy published anyway: which text (by its SHA-256), the phrases, the reason and the evidence
    (a PubMed or DOI link). A later edit of the text is screened afresh; the override covers this text only."""
    __tablename__ = "claim_overrides"
    __table_args__ = (
        CheckConstraint("length(trim(reason)) > 0", name="reason_required"),
        CheckConstraint("length(trim(evidence_url)) > 0", name="evidence_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))   # "product", "variant", "guide"
    object_id: Mapped[int] = mapped_column()
    field: Mapped[str] = mapped_column(String(80))         # "summary", "step 2", ...
    text_sha256: Mapped[str] = mapped_column(String(64))
    phrases: Mapped[str] = mapped_column(Text)             # the flagged phrases, one a line
    rules: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(String(500))
    evidence_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    __table_args__ = __table_args__ + (
        Index("ix_claim_overrides_object", "object_type", "object_id", "field", "text_sha256"),)


# ---------------------------------------------------------------- problem reports

class ProblemReportStatus(enum.StrEnum):
    NEW = "new"
    REVIEWING = "reviewing"
    CLOSED = "closed"


class ProblemReport(db.Model):
    """A customer's report of a problem with a product (an adverse event or a defect), kept for the admins.
    The order number is kept as written (the safety area sits below orders and does not look orders up)."""
    __tablename__ = "problem_reports"
    __table_args__ = (
        CheckConstraint("length(trim(what_happened)) > 0", name="what_happened_required"),
        CheckConstraint("status IN ('new', 'reviewing', 'closed')", name="status_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    product_name: Mapped[str] = mapped_column(String(200), default="")   # as shown when reported
    order_number: Mapped[str] = mapped_column(String(40), default="")
    batch_lot: Mapped[str] = mapped_column(String(80), default="")
    what_happened: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    status: Mapped[str] = mapped_column(String(20), default=ProblemReportStatus.NEW.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    product = relationship("Product")

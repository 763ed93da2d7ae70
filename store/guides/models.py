"""Guides: educational how-to content tied to the products it uses."""
from __future__ import annotations

import enum
import re
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


PMID_RE = re.compile(r"^\d{1,9}$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


class GuideStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


guide_tags = Table(
    "guide_tags",
    db.metadata,
    Column("guide_id", ForeignKey("guides.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

step_products = Table(
    "guide_step_products",
    db.metadata,
    Column("step_id", ForeignKey("guide_steps.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))


class Guide(db.Model):
    __tablename__ = "guides"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status_valid"),
        Index("ix_guides_status_published", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(400), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    clinician_note_md: Mapped[str] = mapped_column(Text, default="")
    clinician_note_html: Mapped[str] = mapped_column(Text, default="")
    hero_image: Mapped[str | None] = mapped_column(String(300), default=None)  # path under static/
    hero_alt: Mapped[str] = mapped_column(String(300), default="")
    reading_minutes: Mapped[int] = mapped_column(default=1)
    reviewed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(20), default=GuideStatus.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    tags: Mapped[list[Tag]] = relationship(secondary=guide_tags, order_by="Tag.name")
    steps: Mapped[list["GuideStep"]] = relationship(
        back_populates="guide", order_by="GuideStep.position", cascade="all, delete-orphan")
    faqs: Mapped[list["GuideFAQ"]] = relationship(order_by="GuideFAQ.position", cascade="all, delete-orphan")
    references: Mapped[list["GuideReference"]] = relationship(
        order_by="GuideReference.position", cascade="all, delete-orphan")
    product_links: Mapped[list["GuideProduct"]] = relationship(
        back_populates="guide", order_by="GuideProduct.position", cascade="all, delete-orphan")


class GuideStep(db.Model):
    __tablename__ = "guide_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")

    guide: Mapped[Guide] = relationship(back_populates="steps")
    products = relationship("Product", secondary=step_products, order_by="Product.name")


class GuideFAQ(db.Model):
    __tablename__ = "guide_faqs"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question: Mapped[str] = mapped_column(String(300))
    answer_md: Mapped[str] = mapped_column(Text, default="")
    answer_html: Mapped[str] = mapped_column(Text, default="")


class GuideReference(db.Model):
    __tablename__ = "guide_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    citation: Mapped[str] = mapped_column(String(500))
    pmid: Mapped[str | None] = mapped_column(String(20), default=None)
    doi: Mapped[str | None] = mapped_column(String(200), default=None)
    # What a reader scans for: the article's title, its journal and year (the citation keeps the rest).
    title: Mapped[str] = mapped_column(String(300), default="")
    journal: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(default=None)

    @property
    def pubmed_url(self) -> str | None:
        """A PubMed link, only for a well-formed ID (digits only)."""
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid and PMID_RE.fullmatch(self.pmid) else None

    @property
    def doi_url(self) -> str | None:
        """A doi.org link, only for a well-formed DOI (10.NNNN/suffix); the suffix is percent-encoded."""
        if not self.doi or not DOI_RE.fullmatch(self.doi):
            return None
        return "https://doi.org/" + quote(self.doi, safe="/:;()._-")


class GuideProduct(db.Model):
    """'Tools used in this guide', in order."""
    __tablename__ = "guide_products"
    __table_args__ = (UniqueConstraint("guide_id", "product_id", name="uq_guide_products_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(300), default="")
    # The guide says to ask a clinician before using this tool: "add the tools" leaves it unticked and shows
    # ``note`` as the reason.
    ask_clinician: Mapped[bool] = mapped_column(default=False)

    guide: Mapped[Guide] = relationship(back_populates="product_links")
    product = relationship("Product")

"""The search index's one table."""
from __future__ import annotations

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.extensions import db


class SearchEntry(db.Model):
    """A portable inverted index (term -> document, weight) behind /search.

    One table and one B-tree index, the same on SQLite and PostgreSQL. A document is a (doc_type, doc_id)
    pair given by the area that owns it (catalog: "product", guides: "guide"); search knows nothing else of it.
    """
    __tablename__ = "search_entries"
    __table_args__ = (
        UniqueConstraint("term", "doc_type", "doc_id", name="uq_search_entries_term_doc"),
        Index("ix_search_entries_doc", "doc_type", "doc_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(64))
    doc_type: Mapped[str] = mapped_column(String(20))  # "product" | "guide"
    doc_id: Mapped[int] = mapped_column()
    weight: Mapped[int] = mapped_column(default=1)

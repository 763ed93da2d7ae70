"""The search index's tables. The engine-specific parts (SQLite FTS5 tables and their triggers, the PostgreSQL
``tsvector`` column and GIN indexes) are created by the migration ``search_1`` and named in ``ENGINE_OBJECTS``;
they are the database's own, kept current by the database itself whenever these rows change."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.extensions import db
from store.util import utcnow


class SearchDocument(db.Model):
    """One searchable document: a (doc_type, doc_id) pair given by the area that owns it (catalog: "product",
    guides: "guide") and its text in three weighted columns, folded to lower-case ASCII.

    SQLite: the FTS5 table ``search_fts`` (porter stemming, external content = this table) is kept in step by
    triggers. PostgreSQL: the generated column ``search_vector`` (``setweight`` A/B/D) with a GIN index."""
    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("doc_type", "doc_id", name="uq_search_documents_doc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20))  # "product" | "guide"
    doc_id: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(Text, default="")      # weight A: a product's name, a guide's title
    keywords: Mapped[str] = mapped_column(Text, default="")   # weight B: summary, category, kind, tags
    body: Mapped[str] = mapped_column(Text, default="")       # weight D: descriptions, steps


class SearchWord(db.Model):
    """The words the documents use (not stemmed), for typo correction and suggestions: trigram-indexed
    (SQLite: the FTS5 trigram table ``search_fts_words``; PostgreSQL: a ``pg_trgm`` GIN index)."""
    __tablename__ = "search_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(64), unique=True)


class SearchSynonym(db.Model):
    """A group of words or phrases that mean the same to a shopper ("guasha, gua sha"), kept by the owner in
    the back office. ``terms`` is the group, comma-separated, folded to lower case."""
    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# What the migration adds beside these models, on one engine or the other: schema comparison leaves them out.
ENGINE_TABLE_PREFIX = "search_fts"
ENGINE_COLUMNS = {("search_documents", "search_vector")}
ENGINE_INDEX_PREFIX = "ix_search_fts"


def is_engine_object(name: str | None, type_: str, parent: str | None = None) -> bool:
    """True for the database-engine objects of search (``include_name`` for Alembic's comparison)."""
    if name is None:
        return False
    if type_ == "table":
        return name.startswith(ENGINE_TABLE_PREFIX)
    if type_ == "column":
        return (parent, name) in ENGINE_COLUMNS
    if type_ == "index":
        return name.startswith(ENGINE_INDEX_PREFIX)
    return False

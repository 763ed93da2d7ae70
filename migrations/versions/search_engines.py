"""Search on the databases' own engines: search_documents (+ FTS5 on SQLite, tsvector/GIN on PostgreSQL),
search_words (trigram-indexed, for typos) and search_synonyms; the hand-written index search_entries goes.

SQLite: ``search_fts`` is an FTS5 table (porter stemming over unicode61, prefix indexes) whose content is
search_documents, kept in step by three triggers; ``search_fts_words`` is an FTS5 trigram table over the words.
PostgreSQL: a generated ``search_vector`` column (setweight A/B/D over the english configuration) with a GIN
index, and pg_trgm's GIN index on search_words.word (the extension is created if missing).
The existing documents are re-indexed by ``flask search-reindex`` (the demo seed and the areas' saves index too).

Revision ID: search_1
Revises: claims_1
"""
import sqlalchemy as sa
from alembic import op

revision = "search_1"
down_revision = "claims_1"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, keywords, body, content='search_documents', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, keywords, body) VALUES (new.id, new.title, new.keywords, new.body); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.body); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.body); "
    "INSERT INTO search_fts(rowid, title, keywords, body) VALUES (new.id, new.title, new.keywords, new.body); END",
    # Words padded with a space each side, so a word's first and last letters make trigrams of their own.
    "CREATE VIRTUAL TABLE search_fts_words USING fts5(word, tokenize='trigram')",
    "CREATE TRIGGER search_fts_words_ai AFTER INSERT ON search_words BEGIN "
    "INSERT INTO search_fts_words(rowid, word) VALUES (new.id, ' ' || new.word || ' '); END",
    "CREATE TRIGGER search_fts_words_ad AFTER DELETE ON search_words BEGIN "
    "DELETE FROM search_fts_words WHERE rowid = old.id; END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_fts_words_ad", "DROP TRIGGER IF EXISTS search_fts_words_ai",
    "DROP TABLE IF EXISTS search_fts_words",
    "DROP TRIGGER IF EXISTS search_fts_au", "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai", "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'D')) STORED",
    "CREATE INDEX ix_search_fts_vector ON search_documents USING gin (search_vector)",
    "CREATE INDEX ix_search_fts_words_trgm ON search_words USING gin (word gin_trgm_ops)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_search_fts_words_trgm", "DROP INDEX IF EXISTS ix_search_fts_vector",
]


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=20), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("doc_type", "doc_id", name="uq_search_documents_doc"),
    )
    op.create_table(
        "search_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_words")),
        sa.UniqueConstraint("word", name=op.f("uq_search_words_word")),
    )
    op.create_table(
        "search_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonyms")),
    )
    for statement in (POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP):
        op.execute(statement)
    op.drop_index("ix_search_entries_doc", table_name="search_entries")
    op.drop_table("search_entries")


def downgrade():
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("doc_type", sa.String(length=20), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("term", "doc_type", "doc_id", name="uq_search_entries_term_doc"),
    )
    op.create_index("ix_search_entries_doc", "search_entries", ["doc_type", "doc_id"])
    for statement in (POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN):
        op.execute(statement)
    op.drop_table("search_synonyms")
    op.drop_table("search_words")
    op.drop_table("search_documents")

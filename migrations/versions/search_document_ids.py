"""Search at 100,000 products: what each engine's planner needs to stay on its indexes.

* SQLite: a narrow covering index of the search documents' ids, for the join from FTS5 to its documents. A search
  joins each FTS5 match (a rowid) to its ``search_documents`` row for the document's type and id. The table itself
  is wide (each row carries the document's folded text), so at 100,000 products a broad query's candidates touch
  as many different table pages. ``(id, doc_type, doc_id)`` holds the same lookup in a b-tree a tenth of the
  size, which the planner reads as a covering index (on the benchmark catalog of 100,000 products: the ranking of
  "roller" 3.4 -> 1.8 ms, its facet counts 5.1 -> 2.1 ms). Its name starts with ``ix_search_fts`` so that the
  schema comparison leaves it out, with the other engine objects of search
  (``store.search.models.is_engine_object``).
* PostgreSQL: ``search_similar_words``, the typo lookup of ``search_words`` (pg_trgm ``%`` and ``<%``, or the same
  first two letters and a length within two), planned with ``enable_seqscan = off`` for its own statement only.
  The planner prices a trigram comparison like an integer one, so on a vocabulary of a few thousand words it
  chose to compare every word (10 ms) over the GIN and pattern indexes (0.5 ms). The prefix is given as a byte
  range (``~>=~`` / ``~<~``, what ``varchar_pattern_ops`` indexes), so a parameter can use it.

Revision ID: search_4
Revises: search_3
"""
from alembic import op

revision = "search_4"
down_revision = "search_3"
branch_labels = None
depends_on = None

PG_SIMILAR_WORDS = """
CREATE OR REPLACE FUNCTION search_similar_words(token text, low text, high text, shortest integer,
                                                longest integer, max_words integer)
RETURNS SETOF varchar LANGUAGE sql STABLE SET enable_seqscan = off AS $$
  SELECT word FROM search_words
  WHERE word % token OR token <% word
        OR (word ~>=~ low AND word ~<~ high AND length(word) BETWEEN shortest AND longest)
  ORDER BY greatest(similarity(word, token), word_similarity(token, word)) DESC, word
  LIMIT max_words
$$
"""


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_search_fts_document_ids ON search_documents (id, doc_type, doc_id)")
        op.execute("ANALYZE search_documents")
    else:
        op.execute(PG_SIMILAR_WORDS)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_search_fts_document_ids")
    else:
        op.execute("DROP FUNCTION IF EXISTS search_similar_words(text, text, text, integer, integer, integer)")

"""SQLite reads the full-text matches first, whatever its statistics say. A new shop's migration takes statistics
of nearly empty tables; with them SQLite looped over every search document and ran the FTS5 MATCH once per
document (``VIRTUAL TABLE INDEX 0:=M...``, a rowid probe): 120 ms for a two-word search of 2,000 products instead
of under 2 ms. Every full-text statement of a search page is checked here with such statistics."""
import re

import pytest
from sqlalchemy import event, text

from store import search
from store.catalog import facets, services
from tests.factories import make_disclaimers, make_product

PROBED_BY_ROWID = re.compile(r"VIRTUAL TABLE INDEX \d+:=")


@pytest.fixture
def stale_statistics_catalog(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner (PostgreSQL's search runs on its GIN indexes)")
    make_disclaimers()
    make_product("Seed Roller", summary="A roller.")
    db.session.commit()
    db.session.execute(text("ANALYZE"))   # statistics of a shop with one product...
    db.session.commit()
    words = "roller oil ball foam warming firm soft heel arch travel".split()
    for n in range(80):                   # ...then the catalog grows
        make_product(f"{words[n % 10].title()} {words[(n * 3) % 10].title()} {n}",
                     summary=" ".join(words[(n + k) % 10] for k in range(6)), index=True)
    db.session.commit()


def test_every_full_text_statement_reads_the_matches_first(app, db, stale_statistics_catalog):
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "search_fts" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with app.test_request_context():
            for q in ("roller oil", "warming", "rol", "rolr firm"):   # words, a prefix, a typo (search_fts_words)
                plan = search.prepare(q)
                assert plan.found, q
                assert search.hits(plan, ("product",), limit=48)
                search.hits(plan, ("guide",), limit=5)
                facets.counts(facets.Filters(), services.categories(), scope=search.matching_ids(plan, "product"))
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert any("search_fts_words" in s for s, _ in statements)   # the typo lookup was among them
    raw = db.session.connection().connection.driver_connection
    for statement, parameters in statements:
        steps = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()]
        assert not any(PROBED_BY_ROWID.search(step) for step in steps), "\n".join([statement, *steps])

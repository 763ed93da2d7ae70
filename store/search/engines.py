"""The two full-text engines behind one interface, chosen by the database in use (``for_session``).

Every query string given to an engine is built here from folded words ([a-z0-9]+ only, see
``services.words``), never from what the shopper typed: quotes, operators, markup and NUL bytes cannot reach
the engine's query syntax.

* ``SqliteEngine``: FTS5 ``search_fts`` (porter stemming) ranked by ``bm25`` with a weight per column; the
  FTS5 trigram table ``search_fts_words`` proposes the words a typo may have meant.
* ``PostgresEngine``: the generated ``search_vector`` (setweight A/B/D) matched with ``websearch_to_tsquery``
  (and ``to_tsquery('word:*')`` for the prefix), ranked by ``ts_rank``; ``pg_trgm`` (``%`` and ``<%``,
  GIN-indexed) proposes the words for a typo.

Products rank PRODUCT_BOOST times higher than guides with the same text score: a shopper searching "oil" is
looking for oils first, and the guides about them are shown beside them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import (BindParameter, Float, Select, String, bindparam, case, column, func, insert, literal_column, or_,
                        select, table)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert

from store.db import prepared
from store.extensions import db
from store.search.models import SearchDocument, SearchWord

PRODUCT_BOOST = 2.0
TITLE_WEIGHT, KEYWORDS_WEIGHT, BODY_WEIGHT = 10.0, 4.0, 1.0   # bm25 column weights (SQLite)
CANDIDATES = 40
# A query ranks at most this many matching documents (the first the engine's index gives, in document order),
# so a broad query ("roller" in a catalog of 100,000) costs what a narrow one does. A smaller catalog, or any
# query matching fewer documents, is ranked whole. Scoring is what such a query pays for (on the benchmark's 100,000
# products, FTS5's bm25 takes about 1.3 us a candidate for one word, 3 us for two, against 0.1 us for matching):
# 500 candidates are ten pages of results to choose the best page from.
RANK_CANDIDATES = 500
# PostgreSQL statements kept per plan shape (PostgresEngine._preparable): at most 3 slots of at most 2 alternatives,
# so fewer than a hundred statements are ever kept, whatever shoppers type.
PREPARED_SLOTS, PREPARED_ALTERNATIVES = 3, 2


@dataclass(frozen=True)
class Scope:
    """The ids a query matches, for a caller to embed (facet counts): ``select`` (one column) run with ``params``.
    A ``reusable`` select is built once per plan shape and kept (its values are all in ``params``), so a caller
    may keep what it builds around it, keyed by it; any other is built for this query alone."""
    select: Select
    params: dict = field(default_factory=dict)
    reusable: bool = False


def _restricted(stmt: Select, restrict: dict[str, Select]) -> Select:
    """Each candidate checked against the caller's select of allowed ids, correlated on its first column (an
    index lookup per candidate, rather than the database building the list of every allowed id first)."""
    for doc_type, allowed in restrict.items():
        allowed_id = allowed.selected_columns[0]
        stmt = stmt.where(or_(SearchDocument.doc_type != doc_type,
                              allowed.where(allowed_id == SearchDocument.doc_id).exists()))
    return stmt


# The FTS5 tables' rowids behind a unary plus: SQLite then cannot probe the full-text table by rowid, so it always
# reads the matches first and looks each one up (the plan ANALYZE gives). With statistics taken on a nearly empty
# table (a new shop's migration) or none, it looped over the documents instead and ran the MATCH once per
# document: 120 ms for a two-word search of 2,000 products, against 1.4 ms (tests/search/test_plans.py).
_FTS_ROWID = literal_column("+search_fts.rowid")
_WORDS_ROWID = literal_column("+search_fts_words.rowid")


def fold_type(doc_type: str) -> str:
    """A document type as an FTS5 phrase token ([a-z0-9] only: the types are the areas' own names)."""
    return "".join(ch for ch in doc_type.lower() if ch.isalnum())


_TEXT_COLUMNS = "{title keywords body} : "


def _filtered(phrase: str, needed: bool) -> str:
    return f"({_TEXT_COLUMNS}{phrase})" if needed else phrase


def indexed_types() -> tuple[str, ...]:
    """Every document type the index may hold: those the areas registered a loader for (``index_document``
    refuses any other)."""
    return tuple(current_app.extensions.get("search_loaders", {}))


def _may_match_type(alt, types: list[str]) -> bool:
    """Whether an alternative could match a document type's word in the ``doc_type`` column: a single word (a
    phrase of two or more never fits in that one-word column) that begins the type (as a prefix), or shares its
    first three letters with it. Porter stemming only rewrites a word's ending, so a word whose stem is a type's
    stem ("guides", "guided" and "guide" are all "guid") always shares them: the test errs only on the safe side
    ("guitar" is filtered too). A type shorter than five letters (a stem under four) filters every word."""
    return len(alt.tokens) == 1 and _word_may_match_type(alt.tokens[0], alt.prefix, types)


def _word_may_match_type(word: str, prefix: bool, types: list[str]) -> bool:
    return any(len(t) < 5 or (prefix and t.startswith(word)) or word[:3] == t[:3] for t in types)


class SqliteEngine:
    name = "sqlite"
    _fts = table("search_fts", column("rowid"))
    _words = table("search_fts_words", column("rowid"))

    @staticmethod
    def match_expression(slots, match_all: bool, doc_types=(), indexed_types=()) -> str:
        """FTS5 query syntax: each slot a parenthesised OR of quoted phrases, the prefix one starred (or the
        vocabulary words it stands for, ``services.PREFIX_WORDS``, each a phrase); and, for a
        search without products, the document types (the ``doc_type`` column, migration search_3), which FTS5
        intersects with the words' lists itself (a search of the guides reads no product).

        Only a phrase that could match a document type's own word (``indexed_types``: every type in the index,
        "product", "guide") is kept to the text columns (``{title keywords body} :``): a column filter makes
        FTS5 read each match's positions, and bm25 counts every document a phrase matches in the whole table,
        so filtering every phrase cost a two-word search of 100,000 products 3.9 ms against 2.2 ms (and a count
        of its first 500 matches 1.0 ms against 0.5)."""
        types = [fold_type(t) for t in indexed_types]
        parts = []
        for slot in slots:
            alts = []
            for a in slot:
                if a.words:  # a prefix standing for these words
                    alts += [_filtered(f'"{w}"', _word_may_match_type(w, False, types)) for w in a.words]
                    continue
                phrase = '"' + " ".join(a.tokens) + '"' + ("*" if a.prefix else "")
                alts.append(_filtered(phrase, _may_match_type(a, types)))
            parts.append("(" + " OR ".join(alts) + ")")
        text = "(" + (" AND " if match_all else " OR ").join(parts) + ")"
        # Products are the many documents: a search including them reads their matches and drops the few others
        # by the join (intersecting with the products' own long list would cost more); a search that leaves them
        # out (the guides) narrows inside FTS5.
        if not doc_types or "product" in doc_types:
            return text
        wanted = " OR ".join('"' + fold_type(t) + '"' for t in doc_types)
        return f"{text} AND (doc_type : ({wanted}))"

    @staticmethod
    def _base(columns, doc_types, match):
        """The documents of ``doc_types`` matching ``match`` (a bindparam or a value: the FTS5 expression)."""
        if not isinstance(match, BindParameter):
            match = bindparam(None, match, type_=String)
        return (select(*columns).select_from(SearchDocument)
                .join(SqliteEngine._fts, _FTS_ROWID == SearchDocument.id)
                .where(literal_column("search_fts").op("MATCH")(match), SearchDocument.doc_type.in_(doc_types)))

    @staticmethod
    def _candidates(doc_types, match):
        bm25 = func.bm25(literal_column("search_fts"), literal_column(str(TITLE_WEIGHT)),
                         literal_column(str(KEYWORDS_WEIGHT)), literal_column(str(BODY_WEIGHT)),
                         literal_column("0.0"), type_=Float)  # the doc_type column does not score
        return SqliteEngine._base([SearchDocument.doc_type, SearchDocument.doc_id, bm25.label("bm25")], doc_types,
                                  match)

    @staticmethod
    def _ranking(inner: Select):
        # The candidates (at most RANK_CANDIDATES, FTS5 stops reading there), then the best of them: bm25 is
        # lower-is-better, the score higher-is-better.
        candidates = inner.limit(bindparam("candidates")).subquery()
        boost = case((candidates.c.doc_type == "product", PRODUCT_BOOST), else_=1.0)
        score = (-candidates.c.bm25 * boost).label("score")
        return (select(candidates.c.doc_type, candidates.c.doc_id, score)
                .order_by(score.desc(), candidates.c.doc_type, candidates.c.doc_id).limit(bindparam("limit")))

    # Built once per set of document types, the match expression bound at execution: building these costs more
    # Python than FTS5 takes to run a narrow query.
    @staticmethod
    @prepared
    def _exists(doc_types: tuple[str, ...]):
        return SqliteEngine._base([SearchDocument.id], doc_types, bindparam("match", type_=String)).limit(1)

    @staticmethod
    @prepared
    def _ranked(doc_types: tuple[str, ...]):
        return SqliteEngine._ranking(SqliteEngine._candidates(doc_types, bindparam("match", type_=String)))

    def exists(self, slots, match_all, doc_types) -> bool:
        doc_types = tuple(doc_types)
        match = self.match_expression(slots, match_all, doc_types, indexed_types())
        return db.session.scalar(self._exists(doc_types), {"match": match}) is not None

    def ranked(self, slots, match_all, doc_types, limit, restrict):
        doc_types = tuple(doc_types)
        match = self.match_expression(slots, match_all, doc_types, indexed_types())
        if not restrict:
            values = {"match": match, "limit": limit, "candidates": RANK_CANDIDATES}
            return db.session.execute(self._ranked(doc_types), values).all()
        # A facet filter's select is the caller's: the statement is built for it.
        stmt = self._ranking(_restricted(self._candidates(doc_types, match), restrict))
        return db.session.execute(stmt, {"limit": limit, "candidates": RANK_CANDIDATES}).all()

    @staticmethod
    @prepared
    def _ids(doc_type: str):
        return SqliteEngine._base([SearchDocument.doc_id], (doc_type,), bindparam("match", type_=String))

    def ids(self, slots, match_all, doc_type) -> Scope:
        return Scope(self._ids(doc_type), {"match": self.match_expression(slots, match_all, (doc_type,), indexed_types())},
                     True)

    def add_words(self, words: list[str]) -> None:
        if words:
            db.session.execute(insert(SearchWord).prefix_with("OR IGNORE"), [{"word": w} for w in words])

    def known_words(self, tokens: list[str]) -> set[str]:
        known = set(db.session.scalars(select(SearchWord.word).where(SearchWord.word.in_(tokens))))
        last = tokens[-1]
        if last not in known and self.words_starting(last, 1):
            known.add(last)
        return known

    def words_starting(self, prefix: str, limit: int) -> list[str]:
        # A range on the unique index (binary collation): word >= prefix AND word < prefix-with-last-letter+1.
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return list(db.session.scalars(select(SearchWord.word)
                                       .where(SearchWord.word >= prefix, SearchWord.word < upper)
                                       .order_by(func.length(SearchWord.word), SearchWord.word).limit(limit)))

    # search_fts keeps prefix indexes for two and three letters (prefix='2 3', migration search_3): such a prefix
    # is one list in the index, a longer one the merge of every longer word's list.
    INDEXED_PREFIX_LENGTHS = (2, 3)

    def reads_prefix_whole(self, prefix: str) -> bool:
        return len(prefix) not in self.INDEXED_PREFIX_LENGTHS

    def prefix_words(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` vocabulary words beginning with ``prefix``, in no particular order (an index range)."""
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return list(db.session.scalars(self._prefix_words(), {"low": prefix, "high": upper, "limit": limit}))

    @staticmethod
    @prepared
    def _prefix_words():
        return (select(SearchWord.word).where(SearchWord.word >= bindparam("low"), SearchWord.word < bindparam("high"))
                .limit(bindparam("limit")))

    def similar_words(self, token: str) -> list[str]:
        padded = f" {token} "
        grams = list(dict.fromkeys(padded[i:i + 3] for i in range(len(padded) - 2)))
        expression = bindparam(None, " OR ".join(f'"{g}"' for g in grams), type_=String)
        stmt = (select(SearchWord.word).select_from(SearchWord)
                .join(self._words, _WORDS_ROWID == SearchWord.id)
                .where(literal_column("search_fts_words").op("MATCH")(expression),
                       func.length(SearchWord.word) >= len(token) - 2)
                .order_by(literal_column("search_fts_words.rank")).limit(CANDIDATES))
        return list(db.session.scalars(stmt))


class PostgresEngine:
    name = "postgresql"
    _vector = literal_column("search_documents.search_vector", type_=TSVECTOR)

    @staticmethod
    def _text(alt) -> str:
        """What an alternative gives its tsquery function: for the prefix ``word:*`` or the words it stands for
        (``oil | oils | oily``, to_tsquery syntax), a quoted phrase, a word."""
        if alt.prefix:
            return " | ".join(alt.words) if alt.words else alt.tokens[0] + ":*"
        phrase = " ".join(alt.tokens)
        return f'"{phrase}"' if len(alt.tokens) > 1 else phrase

    @staticmethod
    def _combine(shape, match_all, value):
        """The tsquery of a plan's shape (per slot, whether each alternative is the prefix): ``value(i)`` is the
        i-th alternative's text, a bound value or a named bindparam."""
        config = literal_column("'english'")
        combined, i = None, 0
        for slot in shape:
            either = None
            for prefix in slot:
                fn = func.to_tsquery if prefix else func.websearch_to_tsquery
                q = fn(config, value(i), type_=TSQUERY)
                i += 1
                either = q if either is None else either.op("||", return_type=TSQUERY)(q)
            combined = (either if combined is None
                        else combined.op("&&" if match_all else "||", return_type=TSQUERY)(either))
        return combined

    @staticmethod
    def _shape(slots) -> tuple:
        return tuple(tuple(a.prefix for a in slot) for slot in slots)

    def _values(self, slots) -> dict:
        return {f"q{i}": self._text(a) for i, a in enumerate(a for slot in slots for a in slot)}

    def tsquery(self, slots, match_all):
        texts = [self._text(a) for slot in slots for a in slot]
        return self._combine(self._shape(slots), match_all, lambda i: bindparam(None, texts[i], type_=String))

    @staticmethod
    def _named(shape, match_all):
        return PostgresEngine._combine(shape, match_all, lambda i: bindparam(f"q{i}", type_=String))

    def _base(self, columns, query, doc_types):
        return (select(*columns).where(self._vector.bool_op("@@")(query), SearchDocument.doc_type.in_(doc_types)))

    def _ranking(self, query, doc_types, restrict):
        # The candidates (at most RANK_CANDIDATES rows of the GIN bitmap), then ts_rank over those only.
        inner = self._base([SearchDocument.doc_type, SearchDocument.doc_id, self._vector.label("vector")], query,
                           doc_types)
        candidates = _restricted(inner, restrict).limit(bindparam("candidates")).subquery()
        boost = case((candidates.c.doc_type == "product", PRODUCT_BOOST), else_=1.0)
        score = (func.ts_rank(candidates.c.vector, query, type_=Float) * boost).label("score")
        return (select(candidates.c.doc_type, candidates.c.doc_id, score)
                .order_by(score.desc(), candidates.c.doc_type, candidates.c.doc_id).limit(bindparam("limit")))

    # Built once per plan shape (how many slots and alternatives, which is the prefix, all or any) and set of
    # document types, the words bound at execution (q0, q1, ...): building them cost more Python than a narrow
    # query takes to run.
    @staticmethod
    @prepared
    def _exists(shape, match_all, doc_types):
        self = _ENGINES["postgresql"]
        return self._base([SearchDocument.id], self._named(shape, match_all), doc_types).limit(1)

    @staticmethod
    @prepared
    def _ranked(shape, match_all, doc_types):
        self = _ENGINES["postgresql"]
        return self._ranking(self._named(shape, match_all), doc_types, {})

    @staticmethod
    def _preparable(slots) -> bool:
        """Shapes kept for reuse: up to PREPARED_SLOTS slots of up to PREPARED_ALTERNATIVES each, what shoppers
        type. The kept statements stay few whatever is typed; a longer query's statement is built for it."""
        return len(slots) <= PREPARED_SLOTS and all(len(slot) <= PREPARED_ALTERNATIVES for slot in slots)

    def exists(self, slots, match_all, doc_types) -> bool:
        if not self._preparable(slots):
            stmt = self._base([SearchDocument.id], self.tsquery(slots, match_all), doc_types).limit(1)
            return db.session.scalar(stmt) is not None
        stmt = self._exists(self._shape(slots), match_all, tuple(doc_types))
        return db.session.scalar(stmt, self._values(slots)) is not None

    def ranked(self, slots, match_all, doc_types, limit, restrict):
        values = {"limit": limit, "candidates": RANK_CANDIDATES}
        if not restrict and self._preparable(slots):
            stmt = self._ranked(self._shape(slots), match_all, tuple(doc_types))
            return db.session.execute(stmt, {**values, **self._values(slots)}).all()
        # A facet filter's select is the caller's (and a long query is rare): the statement is built for it.
        stmt = self._ranking(self.tsquery(slots, match_all), doc_types, restrict)
        return db.session.execute(stmt, values).all()

    @staticmethod
    @prepared
    def _ids(shape, match_all, doc_type):
        self = _ENGINES["postgresql"]
        return self._base([SearchDocument.doc_id], self._named(shape, match_all), (doc_type,))

    def ids(self, slots, match_all, doc_type) -> Scope:
        if not self._preparable(slots):  # its values bound in it
            return Scope(self._base([SearchDocument.doc_id], self.tsquery(slots, match_all), (doc_type,)))
        return Scope(self._ids(self._shape(slots), match_all, doc_type), self._values(slots), True)

    def add_words(self, words: list[str]) -> None:
        if words:
            db.session.execute(pg_insert(SearchWord).values([{"word": w} for w in words])
                               .on_conflict_do_nothing(index_elements=["word"]))

    def known_words(self, tokens: list[str]) -> set[str]:
        known = set(db.session.scalars(select(SearchWord.word).where(SearchWord.word.in_(tokens))))
        last = tokens[-1]
        if last not in known and self.words_starting(last, 1):
            known.add(last)
        return known

    def words_starting(self, prefix: str, limit: int) -> list[str]:
        # LIKE 'prefix%' is served by the pg_trgm GIN index (the prefix is [a-z0-9]+, nothing to escape).
        return list(db.session.scalars(select(SearchWord.word).where(SearchWord.word.like(prefix + "%"))
                                       .order_by(func.length(SearchWord.word), SearchWord.word).limit(limit)))

    def reads_prefix_whole(self, prefix: str) -> bool:
        return True   # GIN reads the postings of every word with the prefix, with no skipping

    def prefix_words(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` vocabulary words beginning with ``prefix``, in no particular order (a range of the
        varchar_pattern_ops index ix_search_fts_words_prefix)."""
        return list(db.session.scalars(self._prefix_words(), {"pattern": prefix + "%", "limit": limit}))

    @staticmethod
    @prepared
    def _prefix_words():
        return select(SearchWord.word).where(SearchWord.word.like(bindparam("pattern"))).limit(bindparam("limit"))

    def similar_words(self, token: str) -> list[str]:
        # Trigram similarity (GIN-indexed operators, thresholds 0.3 and 0.6), or the same first two letters and
        # a length within two: "splnit" shares too few trigrams with "splint" for the operators alone. The
        # query is the database function search_similar_words (migration search_4), planned on the indexes.
        low = token[:2]
        high = low[:-1] + chr(ord(low[-1]) + 1)
        found = func.search_similar_words(bindparam(None, token, type_=String), bindparam(None, low, type_=String),
                                          bindparam(None, high, type_=String), len(token) - 2, len(token) + 2,
                                          CANDIDATES, type_=String)
        return list(db.session.scalars(select(found)))


_ENGINES = {"sqlite": SqliteEngine(), "postgresql": PostgresEngine()}


def for_session():
    """The engine of the database in use."""
    return _ENGINES[db.engine.dialect.name]


def add_words(words: list[str]) -> None:
    for_session().add_words(words)

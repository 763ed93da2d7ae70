"""Search over the documents the areas give it, on the database's own full-text engine.

Search imports no area. An area indexes its own documents (``index_document(doc_type, doc_id, fields)``, a
weight per field: 10 and more is the title, 2 to 9 keywords, 1 the body) and removes them, in the caller's
transaction; the engine's index follows the rows by itself (SQLite: triggers into FTS5; PostgreSQL: a generated
``tsvector`` column), so it is never stale. A query returns ranked ``Hit(doc_type, doc_id, score)``; to turn hits
into objects each area registers a loader for its doc_type (``register_loader``).

One interface, two engines (``engines.py``), chosen by the database in use:
  * SQLite: FTS5 with the porter tokenizer, ``bm25`` with a weight per column, a trigram table for typos;
  * PostgreSQL: ``websearch_to_tsquery`` / ``to_tsquery(...:*)`` over the ``setweight`` vector, ``ts_rank``,
    ``pg_trgm`` similarity for typos.

A query (``prepare``) is folded into words (stopwords dropped, at most ``MAX_QUERY_TERMS``); each word, or a
phrase the owner declared a synonym, becomes a slot of alternatives; the last word also matches as a prefix.
All slots must match. When nothing matches, words the documents do not use are corrected (one typo from 4
letters, two from 8, against the trigram-indexed vocabulary) and the shopper is told "Showing results for ...";
when that finds nothing either, any slot may match.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from rapidfuzz.distance import OSA
from sqlalchemy import Select, delete, select

from store.extensions import db
from store.search import engines
from store.search.models import SearchDocument, SearchSynonym, SearchWord

MAX_QUERY_TERMS = 8
MAX_QUERY_LENGTH = 200
MAX_WORD_LENGTH = 40
MAX_CORRECTIONS = 3
# A prefix that begins at most this many words of the vocabulary ("oil": oil, oils, oily) matches those words.
# Both engines pay for a prefix match by every document any longer word is in, read whole (PostgreSQL's GIN index
# cannot skip through a prefix's postings, FTS5 merges them first): on the benchmark's 100,000 products,
# "warming oil" took 7.1 ms on PostgreSQL's index with oil:*, 2.1 ms with the words. A shorter prefix that begins
# more words ("ro") keeps the engine's own prefix match, and so does one that FTS5 keeps a prefix index for (two
# and three letters: one list to read, cheaper than a dozen words' lists).
PREFIX_WORDS = 12
_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have how i in is it its of on or our the this that to use used "
    "uses using was were what when where which will with you your".split()
)
TITLE_WEIGHT, KEYWORD_WEIGHT = 10, 2


def fold(text: str | None) -> str:
    """Lower-case ASCII: accents dropped, anything that is not a letter or digit becomes a space."""
    if not isinstance(text, str):
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(ascii_text))


def words(text: str | None) -> list[str]:
    """The query words of a text: folded, stopwords and absurdly long "words" dropped."""
    return [w for w in fold(text).split() if w not in STOPWORDS and len(w) <= MAX_WORD_LENGTH]


def normalise_query(q: str | None) -> str:
    """What the shopper typed, as shown back: whitespace collapsed, NUL bytes and control characters gone,
    at most MAX_QUERY_LENGTH characters."""
    if not isinstance(q, str):
        return ""
    q = "".join(ch for ch in q if ch.isprintable() or ch == " ")
    return " ".join(q.split())[:MAX_QUERY_LENGTH]


# ---------------------------------------------------------------- indexing (in the caller's transaction)

def index_document(doc_type: str, doc_id: int, fields: list[tuple[str, int]]) -> None:
    """Replace a document's text. ``fields`` is [(text, weight)]: weight >= 10 is title, >= 2 keywords, else
    body. The caller commits; the engine's index changes in the same transaction. ``doc_type`` must have a
    loader (``register_loader``): the engine keeps a phrase off the type column by the types it knows."""
    if doc_type not in engines.indexed_types():
        raise ValueError(f"search: no loader registered for document type {doc_type!r}")
    columns: dict[str, list[str]] = {"title": [], "keywords": [], "body": []}
    for text, weight in fields:
        column = "title" if weight >= TITLE_WEIGHT else "keywords" if weight >= KEYWORD_WEIGHT else "body"
        folded = fold(text)
        if folded:
            columns[column].append(folded)
    values = {name: " ".join(parts) for name, parts in columns.items()}
    document = db.session.scalar(select(SearchDocument).where(SearchDocument.doc_type == doc_type,
                                                              SearchDocument.doc_id == doc_id))
    if document is None:
        db.session.add(SearchDocument(doc_type=doc_type, doc_id=doc_id, **values))
    else:
        for name, value in values.items():
            setattr(document, name, value)
    vocabulary = {w for value in values.values() for w in value.split()
                  if len(w) >= 3 and len(w) <= MAX_WORD_LENGTH and not w.isdigit() and w not in STOPWORDS}
    db.session.flush()
    engines.add_words(sorted(vocabulary))


def remove_document(doc_type: str, doc_id: int) -> None:
    db.session.execute(delete(SearchDocument).where(SearchDocument.doc_type == doc_type,
                                                    SearchDocument.doc_id == doc_id))


# ---------------------------------------------------------------- synonyms

def _synonym_terms(raw: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in (raw or "").split(","):
        folded = fold(part)
        if folded:
            seen[folded] = None
    return list(seen)


# Groups the demo shop starts with (the owner keeps them in the back office from then on).
DEMO_SYNONYMS = ("guasha, gua sha", "scraper, fascia tool, gua sha board", "plantar, sole, heel",
                 "trigger point, knot", "lacrosse ball, massage ball")


def seed_synonyms() -> int:
    """Add the demo groups that are missing (by their first term); returns how many were added. Caller commits."""
    firsts = {_synonym_terms(t)[0] for t in db.session.scalars(select(SearchSynonym.terms))}
    added = 0
    for raw in DEMO_SYNONYMS:
        terms = _synonym_terms(raw)
        if terms[0] not in firsts:
            db.session.add(SearchSynonym(terms=", ".join(terms)))
            added += 1
    return added


def synonym_groups() -> list[list[str]]:
    return [_synonym_terms(row) for row in db.session.scalars(select(SearchSynonym.terms))]


# ---------------------------------------------------------------- typos

def allowed_typos(word: str) -> int:
    """One typo from 4 letters, two from 8; none below 4 (and none in numbers)."""
    if word.isdigit():
        return 0
    return 2 if len(word) >= 8 else 1 if len(word) >= 4 else 0


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein, optimal string alignment (insert, delete, substitute, swap two neighbours), from
    rapidfuzz (C++): a typo's candidates are scored on every search that misses, about 200 comparisons. Past
    ``limit`` the answer is ``limit + 1`` (further does not matter to any caller)."""
    return OSA.distance(a, b, score_cutoff=limit)


def prefix_distance(typed: str, word: str) -> int:
    """How far what was typed is from the closest beginning of ``word`` (the last word is still being typed)."""
    best = edit_distance(typed, word)
    for end in range(max(1, len(typed) - 2), min(len(word), len(typed) + 2) + 1):
        best = min(best, edit_distance(typed, word[:end]))
    return best


def correct_word(word: str, candidates: list[str], *, as_prefix: bool) -> str | None:
    """The closest vocabulary word within the allowed typos (ties: the shorter, then alphabetical)."""
    allowed = allowed_typos(word)
    if not allowed:
        return None
    scored = []
    for candidate in candidates:
        if candidate == word:
            return None
        distance = prefix_distance(word, candidate) if as_prefix else edit_distance(word, candidate)
        if distance <= allowed:
            scored.append((distance, abs(len(candidate) - len(word)), candidate))
    return min(scored)[2] if scored else None


# ---------------------------------------------------------------- queries

@dataclass(frozen=True)
class Alternative:
    tokens: tuple[str, ...]
    prefix: bool = False  # the last word as typed: also matches longer words
    # For a prefix: the words of the vocabulary that begin with it (at most PREFIX_WORDS), matched as words
    # instead of the engine's own prefix match. Empty: the engine matches the prefix itself.
    words: tuple[str, ...] = ()


@dataclass
class Plan:
    """A prepared query: the slots to match, how they combine, and what the shopper is told."""
    q: str
    slots: list[list[Alternative]] = field(default_factory=list)
    match_all: bool = True
    corrected: str | None = None      # "Showing results for <corrected>"
    suggestion: str | None = None     # "Did you mean <suggestion>?" (a correction that was not applied)
    found: bool = False

    @property
    def empty(self) -> bool:
        return not self.slots


def _slots(tokens: list[str], groups: list[list[str]]) -> list[list[Alternative]]:
    """Each word, or the longest synonym phrase starting at it, becomes a slot of alternatives."""
    phrases: dict[tuple[str, ...], list[str]] = {}
    for group in groups:
        for term in group:
            phrases.setdefault(tuple(term.split()), []).extend(t for t in group if t != term)
    slots, i = [], 0
    while i < len(tokens):
        for length in range(min(4, len(tokens) - i), 0, -1):
            phrase = tuple(tokens[i:i + length])
            if phrase in phrases:
                last = i + length == len(tokens)
                alts = [Alternative(phrase, prefix=last and length == 1)]
                alts += [Alternative(tuple(t.split())) for t in phrases[phrase]]
                slots.append(alts)
                i += length
                break
        else:
            slots.append([Alternative((tokens[i],), prefix=i == len(tokens) - 1)])
            i += 1
    return slots


def prepare(q: str | None, doc_types: tuple[str, ...] = ("product", "guide"), *, correct: bool = True) -> Plan:
    """Turn what was typed into a plan (synonyms, typo corrections, all-or-any), asking the engine whether each
    step finds something. A bounded number of queries: synonyms, an existence check, and on a miss the
    vocabulary (one query per unknown word, at most MAX_CORRECTIONS) and two more checks."""
    q = normalise_query(q)
    tokens = list(dict.fromkeys(words(q)))[:MAX_QUERY_TERMS]
    plan = Plan(q=q)
    if not tokens or not doc_types:
        return plan
    engine = engines.for_session()
    groups = synonym_groups()
    plan.slots = _with_prefix_words(engine, _slots(tokens, groups))
    if engine.exists(plan.slots, True, doc_types):
        plan.found = True
        return plan
    corrections = _corrections(engine, tokens) if correct else {}
    if corrections:
        fixed = [corrections.get(t, t) for t in tokens]
        slots = _with_prefix_words(engine, _slots(fixed, groups))
        if engine.exists(slots, True, doc_types):
            plan.slots, plan.corrected, plan.found = slots, " ".join(fixed), True
            return plan
    if len(plan.slots) > 1 and engine.exists(plan.slots, False, doc_types):
        plan.match_all, plan.found = False, True
        if corrections:
            plan.suggestion = " ".join(corrections.get(t, t) for t in tokens)
    return plan


def _with_prefix_words(engine, slots: list[list[Alternative]]) -> list[list[Alternative]]:
    """The prefix alternative (the last word) with the vocabulary's words that begin with it, when they are at
    most PREFIX_WORDS (one indexed read of the vocabulary)."""
    out = []
    for slot in slots:
        alts = []
        for alt in slot:
            if alt.prefix and engine.reads_prefix_whole(alt.tokens[0]):
                found = engine.prefix_words(alt.tokens[0], PREFIX_WORDS + 1)
                if 0 < len(found) <= PREFIX_WORDS:
                    alt = Alternative(alt.tokens, prefix=True, words=tuple(found))
            alts.append(alt)
        out.append(alts)
    return out


def _corrections(engine, tokens: list[str]) -> dict[str, str]:
    known = engine.known_words(tokens)
    unknown = [t for t in tokens if t not in known and allowed_typos(t)][:MAX_CORRECTIONS]
    corrections = {}
    for token in unknown:
        as_prefix = token == tokens[-1]
        fixed = correct_word(token, engine.similar_words(token), as_prefix=as_prefix)
        if fixed:
            corrections[token] = fixed
    return corrections


@dataclass(frozen=True)
class Hit:
    doc_type: str
    doc_id: int
    score: float


def hits(plan: Plan, doc_types: tuple[str, ...] = ("product", "guide"), limit: int = 50,
         restrict: dict[str, Select] | None = None) -> list[Hit]:
    """The plan's documents, best first (one query): the best of at most ``engines.RANK_CANDIDATES`` matches,
    so a broad query costs what a narrow one does. ``restrict`` maps a doc_type to a select of the ids that
    may be returned (the catalog's facet filters); search does not know what they mean."""
    if plan.empty or not doc_types or not plan.found:
        return []
    rows = engines.for_session().ranked(plan.slots, plan.match_all, doc_types, limit, restrict or {})
    return [Hit(doc_type, int(doc_id), float(score)) for doc_type, doc_id, score in rows]


def matching_ids(plan: Plan, doc_type: str) -> engines.Scope | None:
    """The matching ids of one doc_type as a ``Scope`` (a select and its values) for the caller to embed in its
    own query (the catalog's facet counts), or None when nothing can match."""
    if plan.empty or not plan.found:
        return None
    return engines.for_session().ids(plan.slots, plan.match_all, doc_type)


def search(q: str | None, doc_types: tuple[str, ...] = ("product", "guide"), limit: int = 50) -> list[Hit]:
    """Prepare and run a query in one call: the documents matching ``q``, best first."""
    return hits(prepare(q, doc_types), doc_types, limit)


def suggest(q: str | None, limit: int = 8) -> list[str]:
    """Words the documents use that begin with the last word typed (or are one typo from it), for the
    search box's suggestions; the words before it are kept as typed."""
    tokens = words(normalise_query(q))[:MAX_QUERY_TERMS]
    if not tokens:
        return []
    head, last = tokens[:-1], tokens[-1]
    engine = engines.for_session()
    found = [w for w in engine.words_starting(last, limit + 1) if w != last][:limit] if len(last) >= 2 else []
    if not found and allowed_typos(last):
        scored = sorted((prefix_distance(last, w), len(w), w) for w in engine.similar_words(last))
        found = [w for d, _, w in scored if d <= allowed_typos(last)][:limit]
    prefix = " ".join(head)
    return [f"{prefix} {w}".strip() for w in found]


# ---------------------------------------------------------------- loaders

def register_loader(app: Flask, doc_type: str, loader: Callable[[list[int]], dict[int, object]]) -> None:
    """``loader(ids)`` returns {id: object} for the ids of one document type that may still be shown (a hit
    whose document is gone or hidden is left out). Areas call this from their ``register(app)``."""
    app.extensions.setdefault("search_loaders", {})[doc_type] = loader


def load(found: list[Hit]) -> list[tuple[str, object]]:
    """Ranked (doc_type, object) pairs for hits, one loader call per document type."""
    loaders = current_app.extensions.get("search_loaders", {})
    by_type: dict[str, list[int]] = defaultdict(list)
    for hit in found:
        by_type[hit.doc_type].append(hit.doc_id)
    loaded = {doc_type: loaders[doc_type](ids) for doc_type, ids in by_type.items() if doc_type in loaders}
    return [(hit.doc_type, loaded[hit.doc_type][hit.doc_id]) for hit in found
            if hit.doc_id in loaded.get(hit.doc_type, {})]


def search_results(q: str | None, limit: int = 50) -> list[tuple[str, object]]:
    """Ranked (doc_type, object) pairs over every registered document type."""
    doc_types = tuple(current_app.extensions.get("search_loaders", {}))
    return load(search(q, doc_types, limit=limit))

"""Portable, index-backed full-text search over the documents the areas give it.

Search imports no area. An area indexes its own documents (``index_document(doc_type, doc_id, fields)``,
with a weight per field) and removes them; a query returns ranked ``Hit(doc_type, doc_id, ...)``. To turn
hits into objects, each area registers a loader for its doc_type on the app (``register_loader``), which
``search_results`` calls, one query per document type: catalog loads products, guides load guides.

Documents are tokenised into stemmed terms with a weight per field (a name counts more than a
description) and stored in ``search_entries`` (term, doc_type, doc_id, weight). A query looks its terms
up through the unique (term, doc_type, doc_id) B-tree index, the last term also as a prefix (a range scan
on the same index), and ranks documents by how many query terms they match, then by summed weight.
It behaves the same on SQLite and PostgreSQL, so the tests cover both with one code path.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import and_, case, delete, func, insert, or_, select

from store.extensions import db
from store.search.models import SearchEntry

MAX_QUERY_TERMS = 8
MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have how i in is it its of on or our the this that to use used "
    "uses using was were what when where which will with you your".split()
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def stem(word: str) -> str:
    """A deliberately small English stemmer: plurals and a few common endings."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x")):
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(_fold(text or "")) if w not in STOPWORDS and len(w) <= 60]


def index_document(doc_type: str, doc_id: int, fields: list[tuple[str, int]]) -> None:
    """Replace a document's entries. ``fields`` is [(text, weight)]. Caller commits.

    A term scores a field's weight once per field it appears in (not once per occurrence), so a
    description that repeats a word cannot outrank a product whose name is that word."""
    remove_document(doc_type, doc_id)
    weights: dict[str, int] = defaultdict(int)
    for text, weight in fields:
        for term in set(terms(text)):
            weights[term] = min(weights[term] + weight, 1000)
    if weights:
        db.session.execute(insert(SearchEntry), [
            {"term": term, "doc_type": doc_type, "doc_id": doc_id, "weight": weight}
            for term, weight in sorted(weights.items())
        ])


def remove_document(doc_type: str, doc_id: int) -> None:
    db.session.execute(delete(SearchEntry).where(SearchEntry.doc_type == doc_type, SearchEntry.doc_id == doc_id))


@dataclass(frozen=True)
class Hit:
    doc_type: str
    doc_id: int
    matched: int
    score: int


def normalise_query(q: str | None) -> str:
    if not isinstance(q, str):
        return ""
    return " ".join(q.split())[:MAX_QUERY_LENGTH]


def search(q: str | None, doc_types: tuple[str, ...] = ("product", "guide"), limit: int = 50) -> list[Hit]:
    """Documents matching any query term, best first: most query terms matched, then summed weight.
    The last term also matches as a prefix ("rol" finds "roller"), as people type."""
    query_terms = list(dict.fromkeys(terms(normalise_query(q))))[:MAX_QUERY_TERMS]
    if not query_terms or not doc_types:
        return []
    *exact, last = query_terms
    term_matches = [SearchEntry.term == t for t in exact]
    last_match = SearchEntry.term == last
    if len(last) >= 2:
        upper = last[:-1] + chr(ord(last[-1]) + 1)
        last_match = or_(last_match, and_(SearchEntry.term >= last, SearchEntry.term < upper))
    term_matches.append(last_match)
    # How many of the query's terms a document matches (a prefix matching five index terms counts once).
    matched = sum(func.max(case((cond, 1), else_=0)) for cond in term_matches).label("matched")
    score = func.sum(SearchEntry.weight).label("score")
    rows = db.session.execute(
        select(SearchEntry.doc_type, SearchEntry.doc_id, matched, score)
        .where(or_(*term_matches), SearchEntry.doc_type.in_(doc_types))
        .group_by(SearchEntry.doc_type, SearchEntry.doc_id)
        .order_by(matched.desc(), score.desc(), SearchEntry.doc_type, SearchEntry.doc_id)
        .limit(limit)
    ).all()
    return [Hit(r.doc_type, r.doc_id, int(r.matched), int(r.score)) for r in rows]


def register_loader(app: Flask, doc_type: str, loader: Callable[[list[int]], dict[int, object]]) -> None:
    """``loader(ids)`` returns {id: object} for the ids of one document type that may still be shown (a hit
    whose document is gone or hidden is left out). Areas call this from their ``register(app)``."""
    app.extensions.setdefault("search_loaders", {})[doc_type] = loader


def search_results(q: str | None, limit: int = 50) -> list[tuple[str, object]]:
    """Ranked (doc_type, object) pairs over every registered document type, one query per type."""
    loaders = current_app.extensions.get("search_loaders", {})
    hits = search(q, tuple(loaders), limit=limit)
    by_type: dict[str, list[int]] = defaultdict(list)
    for hit in hits:
        by_type[hit.doc_type].append(hit.doc_id)
    loaded = {doc_type: loaders[doc_type](ids) for doc_type, ids in by_type.items()}
    return [(hit.doc_type, loaded[hit.doc_type][hit.doc_id]) for hit in hits
            if hit.doc_id in loaded.get(hit.doc_type, {})]

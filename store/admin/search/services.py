"""Synonym groups for search: validated, audited, one transaction each. Search reads them on every query
(``store.search.synonym_groups``), so a change applies to the next search; nothing has to be re-indexed."""
from __future__ import annotations

from sqlalchemy import select

from store.admin.audit import services as audit
from store.db import transaction
from store.extensions import db
from store.search import fold
from store.search.models import SearchSynonym

MAX_TERMS = 12
MAX_TERM_LENGTH = 60
MAX_WORDS_PER_TERM = 4


class SynonymError(Exception):
    pass


def groups() -> list[SearchSynonym]:
    return list(db.session.scalars(select(SearchSynonym).order_by(SearchSynonym.terms, SearchSynonym.id)))


def parse_terms(raw: str | None) -> list[str]:
    """"Guasha, gua sha" -> ["guasha", "gua sha"]: folded like the index, duplicates dropped. Refuses a group
    of fewer than two different terms, or terms too long to be a shopper's words."""
    terms: dict[str, None] = {}
    for part in (raw or "").replace("\n", ",").split(","):
        if len(part.strip()) > MAX_TERM_LENGTH:
            raise SynonymError(f"“{part.strip()[:30]}…” is too long: keep each term under {MAX_TERM_LENGTH} "
                               "characters.")
        term = fold(part)
        if term:
            if len(term.split()) > MAX_WORDS_PER_TERM:
                raise SynonymError(f"“{term}” has more than {MAX_WORDS_PER_TERM} words: synonyms are short "
                                   "names for the same thing.")
            terms[term] = None
    if len(terms) < 2:
        raise SynonymError("Give at least two different words or phrases, separated by commas "
                           "(for example: guasha, gua sha).")
    if len(terms) > MAX_TERMS:
        raise SynonymError(f"Keep a group to {MAX_TERMS} terms at most; start another group for the rest.")
    return list(terms)


def _check_unique(terms: list[str], own_id: int | None) -> None:
    for group in groups():
        if group.id == own_id:
            continue
        shared = set(terms) & set(t.strip() for t in group.terms.split(","))
        if shared:
            raise SynonymError(f"“{sorted(shared)[0]}” is already in the group “{group.terms}”: add the other "
                               "words to that group instead.")


def add(raw: str, *, actor_id: int | None) -> SearchSynonym:
    terms = parse_terms(raw)
    with transaction(write=True):  # the write lock: two clerks cannot add the same term at once
        _check_unique(terms, None)
        group = SearchSynonym(terms=", ".join(terms))
        db.session.add(group)
        db.session.flush()
        audit.record(actor_id, "search.synonym_add", group, {"terms": [None, group.terms]})
    return group


def update(synonym_id: int, raw: str, *, actor_id: int | None) -> SearchSynonym:
    terms = parse_terms(raw)
    with transaction(write=True):
        group = db.session.get(SearchSynonym, synonym_id)
        if group is None:
            raise SynonymError("That synonym group no longer exists.")
        _check_unique(terms, group.id)
        before = group.terms
        group.terms = ", ".join(terms)
        audit.record(actor_id, "search.synonym_update", group, {"terms": [before, group.terms]})
    return group


def delete(synonym_id: int, *, actor_id: int | None) -> str:
    with transaction():
        group = db.session.get(SearchSynonym, synonym_id)
        if group is None:
            raise SynonymError("That synonym group no longer exists.")
        terms = group.terms
        audit.record(actor_id, "search.synonym_delete", group, {"terms": [terms, None]})
        db.session.delete(group)
    return terms

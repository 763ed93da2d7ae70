"""Search: the index (``models``), the two database engines (``engines``) and the query rules (``services``).
Imports no area.

The public API is re-exported here, so callers write ``from store import search`` and
``search.index_document(...)``, ``search.prepare(q)``, ``search.hits(plan)``.
"""
from store.search.services import (  # noqa: F401
    MAX_QUERY_LENGTH, MAX_QUERY_TERMS, STOPWORDS, Hit, Plan, allowed_typos, edit_distance, fold, hits,
    index_document, load, matching_ids, normalise_query, prepare, register_loader, remove_document, search,
    search_results, seed_synonyms, suggest, synonym_groups, words,
)

"""Search: the index (``models.SearchEntry``) and its rules (``services``). Imports no area.

The public API is re-exported here, so callers write ``from store import search`` and
``search.index_document(...)``, ``search.search(q)``.
"""
from store.search.services import (  # noqa: F401
    MAX_QUERY_LENGTH, MAX_QUERY_TERMS, STOPWORDS, Hit, index_document, normalise_query, register_loader,
    remove_document, search, search_results, stem, terms,
)

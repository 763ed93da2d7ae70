"""The search page and the suggestions issue a bounded number of SQL queries whatever the catalog size."""
import pytest

from store.extensions import db as _db
from tests.factories import make_category, make_disclaimers, make_product
from tests.guides.helpers import make_guide

MEASURED: dict = {}
URLS = {
    "search": "/search?q=roller",
    "search, typo": "/search?q=rolr",
    "search, facets": "/search?q=roller&in_stock=1&price=under-20&category=shelf-1",
    "suggest": "/search/suggest?q=rol",
}
MAX_QUERIES = {"search": 14, "search, typo": 17, "search, facets": 14, "suggest": 12}


def _build(app, size):
    with app.app_context():
        make_disclaimers()
        shelves = [make_category(f"Shelf {n}", f"shelf-{n}") for n in range(3)]
        products = [make_product(f"Roller {n:03d}", category=shelves[n % 3],
                                 variants=[{"price_cents": 1000 + n, "on_hand": n % 2}]) for n in range(size)]
        make_guide("Rolling for calves", products=products[:2])
        _db.session.commit()


@pytest.mark.parametrize("size", [5, 60])
def test_search_query_counts(app, client, count_queries, size):
    _build(app, size)
    for name, url in URLS.items():
        client.get(url)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        MEASURED.setdefault(name, {})[size] = counter.count
        assert counter.count <= MAX_QUERIES[name], f"{name}: {counter.count}\n" + "\n---\n".join(counter.statements)


def test_search_query_counts_do_not_grow():
    assert set(MEASURED) == set(URLS), "the measuring test must run first"
    for name, sizes in MEASURED.items():
        assert sizes[5] == sizes[60], f"{name}: {sizes}"

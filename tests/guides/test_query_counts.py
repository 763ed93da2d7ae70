"""Guide pages keep a fixed number of queries as guides, products and steps grow."""
from __future__ import annotations

from tests.factories import make_disclaimers, make_product
from tests.guides.helpers import make_guide


def _queries(client, count_queries, url):
    client.get(url)  # warm-up (first-request setup)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count, response.get_data(as_text=True)


def test_guide_list_query_count_is_fixed_as_guides_grow(db, client, count_queries):
    make_disclaimers()
    for i in range(3):
        make_guide(f"Guide {i}", tags=["feet", f"topic {i}"])
    db.session.commit()
    few, html = _queries(client, count_queries, "/guides")
    assert html.count('class="guide-card"') == 3

    for i in range(3, 30):
        make_guide(f"Guide {i}", tags=["feet", f"topic {i}", "calves"])
    db.session.commit()
    many, html = _queries(client, count_queries, "/guides")
    assert html.count('class="guide-card"') == 12  # first page of 30
    assert many == few, f"/guides used {few} queries for 3 guides but {many} for 30"
    filtered, html = _queries(client, count_queries, "/guides?tag=feet&page=2")
    assert html.count('class="guide-card"') == 12 and filtered == few
    print(f"/guides queries: {few} (3 guides), {many} (30 guides)")


def test_guide_page_query_count_is_fixed_as_products_grow(db, client, count_queries):
    make_disclaimers()
    small = make_guide("Two tools", slug="two-tools", products=[make_product(f"Tool {i}") for i in range(2)])
    db.session.commit()
    few, html = _queries(client, count_queries, f"/guides/{small.slug}")
    assert html.count('class="card"') == 2 and html.count("This step uses:") == 2

    big_products = [make_product(f"Big tool {i}", variants=[{"price_cents": 1000 + i, "on_hand": i},
                                                             {"price_cents": 2000 + i, "on_hand": 5}])
                    for i in range(12)]
    big = make_guide("Twelve tools", slug="twelve-tools", products=big_products, tags=["a", "b", "c", "d"])
    db.session.commit()
    many, html = _queries(client, count_queries, f"/guides/{big.slug}")
    assert html.count('class="card"') == 12 and html.count("This step uses:") == 12
    assert html.count('class="safety__product"') == 12
    assert many == few, f"guide page used {few} queries with 2 products but {many} with 12"
    # the guide, its collections (one UNION ALL), its products' cards, their ratings, the disclaimer
    assert few == 5, f"guide page used {few} queries"
    print(f"/guides/<slug> queries: {few} (2 products), {many} (12 products)")


def test_product_page_query_count_is_fixed_as_guides_grow(db, client, count_queries):
    make_disclaimers()
    roller = make_product("Roller", slug="the-roller")
    make_guide("Only guide", products=[roller])
    db.session.commit()
    one, html = _queries(client, count_queries, "/products/the-roller")
    assert html.count("min read") == 1
    for i in range(5):
        make_guide(f"More guide {i}", products=[roller, make_product(f"Other {i}")])
    db.session.commit()
    six, html = _queries(client, count_queries, "/products/the-roller")
    assert html.count("min read") == 6
    assert six == one
    print(f"/products/<slug> queries: {one} (1 guide), {six} (6 guides)")

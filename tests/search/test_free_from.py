"""The "free from" facet (ingredients and allergens from the compliance work): counts beside each allergen the
catalog carries, combined with the other facets, on the product list and on search results."""
from decimal import Decimal

import re

import pytest

from store.catalog import services as catalog
from store.catalog.models import ProductStatus
from tests.factories import make_category, make_disclaimers, make_product

NUT_WARNINGS = "For external use only.\nContains tree nut oil."


def _facet(html, name, key):
    section = re.search(rf'<section class="facet" data-facet="{name}".*?</section>', html, re.S)
    if section is None:
        return None
    match = re.search(rf'data-facet-value="{re.escape(key)}"[^>]*>.*?\((\d+)\)</span>', section.group(0), re.S)
    return int(match.group(1)) if match else None


def _cards(html):
    return re.findall(r'<article class="card" data-product="([^"]+)"', html)


@pytest.fixture
def oils(app, db):
    catalog.ensure_allergens()
    make_disclaimers()
    shelf = make_category("Oils", "oils")
    make_product("Almond Glide Oil", slug="almond", kind="oil", category=shelf, warnings=NUT_WARNINGS,
                 ingredients=[("Prunus Amygdalus Dulcis Oil", "Sweet almond oil", Decimal("95"))],
                 variants=[{"price_cents": 1500, "on_hand": 4}])
    make_product("Sunflower Glide Oil", slug="sunflower", kind="oil", category=shelf,
                 ingredients=[("Helianthus Annuus Seed Oil", "Sunflower oil", None)],
                 variants=[{"price_cents": 2500, "on_hand": 0}])
    make_product("Beech Foot Roller", slug="roller", variants=[{"price_cents": 1200, "on_hand": 2}])
    db.session.commit()


def test_list_offers_free_from_with_counts_and_it_combines(client, oils):
    html = client.get("/products").get_data(as_text=True)
    assert _facet(html, "free_from", "tree-nuts") == 2          # the sunflower oil and the roller
    assert _facet(html, "free_from", "linalool") is None        # nothing carries it: not offered
    free = client.get("/products?free_from=tree-nuts").get_data(as_text=True)
    assert sorted(_cards(free)) == ["roller", "sunflower"]
    assert _facet(free, "kind", "oil") == 1 and _facet(free, "kind", "tool") == 1
    assert _facet(free, "free_from", "tree-nuts") == 2
    assert "Free from: Tree nuts" in re.sub(r"<[^>]+>", "", free)
    both = client.get("/products?free_from=tree-nuts&kind=oil&in_stock=1").get_data(as_text=True)
    assert _cards(both) == [] and "Nothing matches these filters" in both
    assert _facet(both, "in_stock", "1") == 0


def test_search_results_filter_free_from(client, oils):
    html = client.get("/search?q=oil").get_data(as_text=True)
    assert sorted(_cards(html)) == ["almond", "sunflower"]
    assert _facet(html, "free_from", "tree-nuts") == 1
    assert 'href="/search?q=oil&amp;free_from=tree-nuts"' in html
    assert _cards(client.get("/search?q=oil&free_from=tree-nuts").get_data(as_text=True)) == ["sunflower"]

"""Search over the database engine (FTS5 / tsvector): ranking, prefixes, hostile queries; the same on SQLite and
PostgreSQL. (Moved from tests/services/test_search.py when the hand-written index went.)"""
import pytest

from store import search
from store.catalog import services
from store.catalog.models import ProductStatus
from tests.factories import make_category, make_product


@pytest.fixture
def catalog(db):
    rollers = make_category("Rollers", "rollers")
    items = {
        "roller": make_product("Foam Roller", category=rollers, summary="A firm cylinder for the floor.",
                               description="Lean on it and move slowly."),
        "ball": make_product("Massage Ball", summary="A small firm sphere.",
                             description="Pairs well with a foam roller, roller, roller, roller, roller."),
        "oil": make_product("Warming Oil", kind="oil", summary="A warming blend for glide.",
                            description="Made with ginger extract. Patch test first."),
        "cane": make_product("Trigger Point Cane", summary="A hooked cane for your upper back.",
                             description="Reach the spots between the shoulder blades."),
    }
    make_product("Secret Roller Prototype", status=ProductStatus.DRAFT)
    db.session.commit()
    return items


def _slugs(q, catalog):
    by_id = {p.id: key for key, p in catalog.items()}
    return [by_id.get(hit.doc_id, "?") for hit in search.search(q, ("product",))]


def test_name_match_beats_description_match(catalog):
    # "roller" is the Foam Roller's name and appears five times in the Massage Ball's description.
    assert _slugs("roller", catalog)[:2] == ["roller", "ball"]


def test_plural_and_case_do_not_matter(catalog):
    assert _slugs("ROLLERS", catalog)[0] == "roller"
    assert _slugs("canes", catalog) == ["cane"]


def test_documents_with_every_word_come_first(catalog):
    assert _slugs("firm sphere", catalog)[0] == "ball"
    assert _slugs("foam cylinder", catalog)[0] == "roller"


def test_last_word_matches_as_prefix(catalog):
    assert _slugs("warm", catalog)[0] == "oil"
    assert _slugs("trigger po", catalog)[0] == "cane"
    assert "roller" in _slugs("rol", catalog)


def test_a_prefix_matching_many_words_counts_once(db):
    """'steel ro' should prefer the product with both words over one with many 'ro…' words."""
    steel = make_product("Steel Roller")
    make_product("Round Rolling Rocker", summary="Robust rotating rods, roughly round.")
    db.session.commit()
    hits = search.search("steel ro", ("product",))
    assert hits[0].doc_id == steel.id


def test_drafts_and_archived_products_are_not_found(catalog, db):
    assert "?" not in _slugs("prototype secret", catalog)
    assert search.search("prototype", ("product",)) == []
    services.set_status(catalog["cane"], ProductStatus.ARCHIVED)
    db.session.commit()
    assert search.search("cane", ("product",)) == []
    services.set_status(catalog["cane"], ProductStatus.ACTIVE)
    db.session.commit()
    assert _slugs("cane", catalog) == ["cane"]


def test_a_product_published_later_becomes_findable(db):
    product = make_product("Nightrest Foot Splint", status=ProductStatus.DRAFT)
    db.session.commit()
    assert search.search("splint", ("product",)) == []
    services.set_status(product, ProductStatus.ACTIVE)
    db.session.commit()
    assert [h.doc_id for h in search.search("splint", ("product",))] == [product.id]


@pytest.mark.parametrize("q", [
    "", "   ", None, "' OR 1=1 --", "\"; DROP TABLE products; --", "<script>alert(1)</script>", "%", "_", "\\",
    "a" * 10_000, "roller " * 2_000, "中文 ☃ 🙂", "ｆｏａｍ", "\u0000", "z", "zzzz", "é", "the and of", "))((",
])
def test_hostile_and_odd_queries_do_not_crash(catalog, q):
    hits = search.search(q, ("product",))
    assert isinstance(hits, list)
    assert search.search_results(q) is not None


def test_long_query_still_finds_by_its_first_words(catalog):
    assert _slugs("warming " + "x" * 10_000, catalog)[0] == "oil"


def test_reindexing_replaces_old_terms(catalog, db):
    oil = catalog["oil"]
    oil.name = "Cooling Mint Oil"
    oil.summary = "A cooling blend for glide."
    services.reindex_product(oil)
    db.session.commit()
    assert _slugs("cooling", catalog) == ["oil"]
    assert _slugs("warming", catalog) == []  # the old name is gone from the index


def test_search_results_loads_active_products_in_rank_order(catalog):
    results = search.search_results("roller")
    assert [obj.name for kind, obj in results if kind == "product"][:2] == ["Foam Roller", "Massage Ball"]

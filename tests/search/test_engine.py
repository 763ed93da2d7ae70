"""Search on the database's own engine (FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL): ranking, prefixes,
typos, "did you mean", synonyms, hostile queries, and an index that follows every change. The same tests run on
both databases (STORE_TEST_DB=postgres for PostgreSQL)."""
import pytest

from store import search
from store.catalog import services
from store.catalog.models import ProductStatus
from store.search.models import SearchSynonym
from tests.factories import make_category, make_product
from tests.guides.helpers import make_guide


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
        "arnica": make_product("Arnica Massage Oil", kind="oil", summary="A light carrier blend.",
                               description="Use a few drops."),
        "cane": make_product("Trigger Point Cane", summary="A hooked cane for your upper back.",
                             description="Reach the spots between the shoulder blades."),
        "guasha": make_product("Stone Gua Sha Board", summary="A smooth stone board with a curved edge.",
                               description="Glide it along the neck with a little oil."),
        "splint": make_product("Plantar Night Splint", summary="Holds the foot flexed overnight.",
                               description="For heels that ache in the morning."),
    }
    make_product("Secret Roller Prototype", status=ProductStatus.DRAFT)
    guide = make_guide("Choosing a massage oil", summary="Oil, oil, oil: how to pick an oil for massage.",
                       body="Oil helps a tool glide. An oil with arnica, an oil with ginger, any oil.")
    roll_guide = make_guide("Warming up the calves", summary="Rollers and rolling for tight calves.",
                            body="Use rollers gently. A roller on the floor works; rollers of every kind do.")
    db.session.commit()
    items["oil_guide"], items["roll_guide"] = guide, roll_guide
    return items


def _keys(q, catalog, doc_types=("product", "guide")):
    ids = {(("guide" if key.endswith("guide") else "product"), obj.id): key for key, obj in catalog.items()}
    return [ids.get((h.doc_type, h.doc_id), "?") for h in search.search(q, doc_types)]


def test_engine_is_the_databases_own(db):
    from store.search import engines
    assert engines.for_session().name == db.engine.dialect.name


def test_name_match_beats_description_match(catalog):
    assert _keys("roller", catalog, ("product",))[:2] == ["roller", "ball"]


def test_a_product_named_foam_roller_ranks_above_a_guide_about_rollers(catalog):
    keys = _keys("roller", catalog)
    assert keys.index("roller") < keys.index("roll_guide")
    assert _keys("foam roller", catalog)[0] == "roller"


def test_oils_rank_first_for_oil(catalog):
    keys = _keys("oil", catalog)
    assert set(keys[:2]) == {"oil", "arnica"}
    assert keys.index("oil_guide") > 1


def test_plural_case_and_stems_do_not_matter(catalog):
    assert _keys("ROLLERS", catalog, ("product",))[0] == "roller"
    assert _keys("canes", catalog, ("product",)) == ["cane"]
    assert _keys("oils", catalog, ("product",))[:2] in (["oil", "arnica"], ["arnica", "oil"])


def test_all_words_must_match_when_some_document_has_them_all(catalog):
    assert _keys("firm sphere", catalog, ("product",)) == ["ball"]
    assert _keys("foam cylinder", catalog, ("product",)) == ["roller"]


def test_when_no_document_has_every_word_any_word_will_do(catalog):
    plan = search.prepare("cylinder sphere")
    assert not plan.match_all and plan.found
    assert set(_keys("cylinder sphere", catalog, ("product",))) == {"roller", "ball"}


def test_last_word_matches_as_prefix(catalog):
    assert _keys("warm", catalog, ("product",))[0] == "oil"
    assert _keys("trigger po", catalog, ("product",))[0] == "cane"
    assert "roller" in _keys("rol", catalog, ("product",))
    assert _keys("plantar", catalog, ("product",)) == ["splint"]


PREFIXES = ["warm", "trigger po", "rol", "ro", "r", "oi", "oil", "gua", "sh", "massage ba", "plan", "zz", "ro oil"]


def test_a_prefix_that_begins_few_words_matches_those_words(catalog, monkeypatch):
    (alt,) = search.prepare("warm").slots[-1]
    assert alt.prefix and set(alt.words) == {"warming"}   # the vocabulary's words that begin with it
    from store.extensions import db
    (alt,) = search.prepare("rol").slots[-1]            # FTS5 keeps a prefix index for 2 and 3 letters
    assert (alt.words == ()) == (db.engine.dialect.name == "sqlite")
    monkeypatch.setattr(search.services, "PREFIX_WORDS", 3)
    (alt,) = search.prepare("r").slots[-1]              # reach, roller, rollers, ...: more than PREFIX_WORDS
    assert alt.prefix and alt.words == ()                # the engine's own prefix match


@pytest.mark.parametrize("q", PREFIXES)
def test_a_prefix_as_its_words_finds_what_the_engines_prefix_match_does(catalog, monkeypatch, q):
    with_words = search.prepare(q)
    found = {(h.doc_type, h.doc_id) for h in search.hits(with_words, limit=100)}
    monkeypatch.setattr(search.services, "PREFIX_WORDS", 0)
    engines_own = search.prepare(q)
    assert all(not a.words for slot in engines_own.slots for a in slot)
    assert found == {(h.doc_type, h.doc_id) for h in search.hits(engines_own, limit=100)}, q
    assert (with_words.corrected, with_words.match_all) == (engines_own.corrected, engines_own.match_all)


def test_drafts_are_not_found(catalog):
    assert "?" not in _keys("prototype", catalog)
    assert search.search("prototype") == []


@pytest.mark.parametrize("typed, meant", [
    ("rolr", "roller"),      # 4 letters, one typo, still typing
    ("roler", "roller"),     # a letter missing
    ("rollre", "roller"),    # two letters swapped
    ("trigegr", "trigger"),
    ("splnit", "splint"),
    ("massge ball", "massage ball"),
    ("plantr splint", "plantar splint"),
    ("arnnica masage", "arnica massage"),  # 8 letters: two typos allowed in "arnnica masage"? one each here
])
def test_one_typo_from_four_letters_is_corrected(catalog, typed, meant):
    plan = search.prepare(typed)
    assert plan.found and plan.corrected is not None
    assert plan.corrected.startswith(meant) or meant.startswith(plan.corrected) or plan.corrected == meant
    assert search.hits(plan)


def test_two_typos_from_eight_letters_but_not_below(catalog):
    plan = search.prepare("trigrepoint")          # 11 letters, 2 typos from "triggerpoint"? not a word here
    assert plan.corrected is None or plan.found
    assert search.prepare("splnti").corrected is None          # 6 letters, two typos: too far
    eight = search.prepare("cylinedr")                       # 8 letters, one swap
    assert eight.corrected == "cylinder"
    two = search.prepare("cylyndir")                         # 8 letters, two substitutions
    assert two.corrected == "cylinder"
    assert search.prepare("rxlx").corrected is None          # 4 letters, two typos: too far
    assert search.prepare("olx").corrected is None           # 3 letters: no typo allowed


def test_a_correct_query_is_not_corrected(catalog):
    plan = search.prepare("foam roller")
    assert plan.corrected is None and plan.found


def test_did_you_mean_when_only_some_words_match(catalog):
    plan = search.prepare("foam cilinder zzzzqqq")
    # "cilinder" corrects to "cylinder" but "zzzzqqq" matches nothing: any word matches, and the correction is
    # offered rather than applied.
    assert plan.found and not plan.match_all
    assert plan.suggestion == "foam cylinder zzzzqqq"


def test_synonyms_kept_by_the_owner(catalog, db):
    assert search.search("guasha") == [] or search.prepare("guasha").corrected is not None
    db.session.add(SearchSynonym(terms="guasha, gua sha"))
    db.session.add(SearchSynonym(terms="scraper, fascia tool, gua sha"))
    db.session.commit()
    assert _keys("guasha", catalog, ("product",)) == ["guasha"]
    assert search.prepare("guasha").corrected is None
    assert _keys("scraper", catalog, ("product",)) == ["guasha"]
    assert _keys("guasha board", catalog, ("product",)) == ["guasha"]
    # Both ways round: the phrase finds what the one word names.
    assert "guasha" in _keys("gua sha", catalog, ("product",))


HOSTILE = [
    '"', '""', "'", "' OR 1=1 --", 'roller"', '"foam roller', "foam AND", "NOT oil", "oil OR", "NEAR(oil roller)",
    "oil*", "*", "^oil", "title:oil", "roller -foam", "(oil", "oil)", "!!!", "&|!", "oil:*", "oil & | roller",
    "<script>alert(1)</script>", "<b>oil</b>", "x" * 5000, "roller " * 1000, "oil\x00roller", "\x00", "%", "_",
    "\\", "中文 日本語 🙂", "ölé", "a the of", "-", "--", "''", "\t\n", "rol\u200bler", "1", "0" * 300,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_find_nothing_or_something(catalog, q):
    plan = search.prepare(q)
    results = search.hits(plan)
    assert isinstance(results, list)
    search.suggest(q)
    scope = search.matching_ids(plan, "product")
    if scope is not None:
        from store.extensions import db
        db.session.execute(scope.select, scope.params).all()


def test_the_document_types_own_words_match_text_only(catalog, db):
    """On SQLite every document carries its type as a word (the doc_type column of search_fts, which narrows a
    search of the guides): "guide" or "products" finds the documents that say so, never every one of a type."""
    catalog["rail"] = make_product("Cedar Guide Rail", summary="Keeps a roller on track.")
    db.session.commit()
    for q in ("guide", "guides", "guided", "guid", "GUIDE"):
        assert _keys(q, catalog) == ["rail"], q
    assert sorted(_keys("gu", catalog)) == ["guasha", "rail"]
    for q in ("product", "products", "produ", "pr"):
        assert _keys(q, catalog) == [], q
    assert _keys("rail guide", catalog) == ["rail"] and _keys("guide rail", catalog) == ["rail"]


def test_only_a_word_that_may_be_a_types_word_is_kept_to_the_text_columns():
    from store.search.engines import SqliteEngine, _may_match_type
    from store.search.services import Alternative
    types = ["product", "guide"]
    may = {w: _may_match_type(Alternative((w,)), types) for w in ("guide", "guides", "guided", "guitar", "products",
                                                                   "roller", "oil", "gu", "pro")}
    assert may == {"guide": True, "guides": True, "guided": True, "guitar": True, "products": True,
                   "roller": False, "oil": False, "gu": False, "pro": True}
    assert _may_match_type(Alternative(("gu",), prefix=True), types)
    assert not _may_match_type(Alternative(("guide", "rail")), types)   # a phrase never fits the one-word column
    assert _may_match_type(Alternative(("oil",)), ["faq"])              # a short type: every word kept off it
    slots = [[Alternative(("warming",))], [Alternative(("guide",), prefix=True)]]
    assert SqliteEngine.match_expression(slots, True, ("product",), types) == \
        '(("warming") AND (({title keywords body} : "guide"*)))'
    assert SqliteEngine.match_expression(slots, True, ("guide",), types) == \
        '(("warming") AND (({title keywords body} : "guide"*))) AND (doc_type : ("guide"))'


def test_markup_is_only_words(catalog):
    assert _keys("<b>oil</b>", catalog, ("product",))[:2] in (["oil", "arnica"], ["arnica", "oil"])


# ------------------------------------------------------------------ the index follows every change

def test_index_follows_publish_archive_rename_and_delete(db):
    product = make_product("Walnut Hook", summary="A hooked tool.", status=ProductStatus.DRAFT)
    db.session.commit()
    assert search.search("walnut") == []
    services.set_status(product, ProductStatus.ACTIVE)
    db.session.commit()
    assert [h.doc_id for h in search.search("walnut")] == [product.id]

    product.name = "Cedar Hook"
    services.reindex_product(product)
    db.session.commit()
    assert search.search("walnut") == []
    assert [h.doc_id for h in search.search("cedar")] == [product.id]

    services.set_status(product, ProductStatus.ARCHIVED)
    db.session.commit()
    assert search.search("cedar") == []


def test_a_rolled_back_change_leaves_the_index_as_it_was(db):
    product = make_product("Walnut Hook", summary="A hooked tool.")
    db.session.commit()
    product.name = "Cedar Hook"
    services.reindex_product(product)
    db.session.rollback()
    assert search.search("cedar") == []
    assert [h.doc_id for h in search.search("walnut")] == [product.id]


def test_suggestions_complete_the_last_word(catalog):
    assert "foam roller" in search.suggest("foam rol")
    assert "massage" in search.suggest("massa")
    assert "roller" in search.suggest("rolr")   # one typo still suggests
    assert search.suggest("") == [] and search.suggest("   ") == []


def test_reindex_command_indexes_what_the_migration_left_empty(app, db):
    from store.search.models import SearchDocument
    product = make_product("Walnut Hook", summary="A hooked tool.")
    make_product("Draft Hook", status=ProductStatus.DRAFT)
    db.session.commit()
    db.session.execute(db.delete(SearchDocument))
    db.session.commit()
    assert search.search("walnut") == []
    result = app.test_cli_runner().invoke(args=["search-reindex"])
    assert result.exit_code == 0 and "2 products" in result.output
    assert [h.doc_id for h in search.search("walnut")] == [product.id]
    assert search.search("draft") == []


def test_the_document_type_is_not_searchable_text(catalog):
    # SQLite keeps each document's type in the FTS5 index (to narrow a search of the guides alone): typing the
    # name of a type finds only documents whose text has it.
    for word in ("product", "guide"):
        plan = search.prepare(word, correct=False)  # not corrected to a word the texts use ("guide" -> "glide")
        assert search.hits(plan) == [], word
    assert set(_keys("rollers", catalog, ("guide",))) == {"roll_guide"}
    assert set(_keys("oil", catalog, ("guide",))) == {"oil_guide"}


def test_a_guide_search_finds_a_guide_among_many_matching_products(db):
    for n in range(30):
        make_product(f"Roller {n}", summary="A roller.")
    guide = make_guide("Rolling the calves", summary="A roller routine.", body="Roller, roller.")
    db.session.commit()
    assert [h.doc_id for h in search.search("roller", ("guide",))] == [guide.id]
    assert len(search.search("roller", ("product",), limit=100)) == 30


def test_similar_words_on_postgresql_are_the_plain_trigram_query(db):
    """search_similar_words (migration search_4) answers what the plain query over search_words answers: the same
    words in the same order, for typos, prefixes and words at the end of the alphabet."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's typo lookup (SQLite's is the FTS5 trigram table)")
    from sqlalchemy import String, and_, bindparam, func, or_, select

    from store.search import engines
    from store.search.models import SearchWord

    vocabulary = ["roller", "rollers", "rolling", "splint", "splints", "massage", "warming", "arnica", "zygote",
                  "zzyzx", "ro9er", "heel", "heels", "plantar", "fascia", "fasciitis", "gua", "sha", "board"]
    engines.add_words(vocabulary)
    db.session.flush()
    for token in ["rolr", "roler", "splnit", "msasage", "zyzgote", "zzyzz", "ro9e", "hele", "plantra", "fasciits"]:
        value = bindparam(None, token, type_=String)
        similarity = func.greatest(func.similarity(SearchWord.word, value),
                                   func.word_similarity(value, SearchWord.word))
        same_start = and_(SearchWord.word.like(token[:2] + "%"),
                          func.length(SearchWord.word).between(len(token) - 2, len(token) + 2))
        plain = list(db.session.scalars(
            select(SearchWord.word)
            .where(or_(SearchWord.word.op("%")(value), value.op("<%")(SearchWord.word), same_start))
            .order_by(similarity.desc(), SearchWord.word).limit(engines.CANDIDATES)))
        assert engines.for_session().similar_words(token) == plain, token
        assert plain, token


@pytest.mark.parametrize("q", ["roller", "foam roller", "warming oil glide", "oil", "guasha", "roller ball sphere",
                               "massage oil arnica drops blend"])
def test_statements_kept_per_shape_rank_what_a_statement_built_for_the_query_does(catalog, db, monkeypatch, q):
    """The engines keep their exists and ranking statements per query shape (words bound at execution); a shape
    too long to keep gets a statement built for it. Both give the same hits, in the same order."""
    from store.search import engines
    db.session.add(SearchSynonym(terms="guasha, gua sha"))
    db.session.commit()
    for doc_types in (("product",), ("product", "guide"), ("guide",)):
        kept = search.search(q, doc_types)
        monkeypatch.setattr(engines, "PREPARED_SLOTS", 0)   # PostgreSQL: every statement built for its query
        monkeypatch.setattr(engines.SqliteEngine, "_ranked", staticmethod(  # SQLite: built afresh too
            lambda doc_types: engines.SqliteEngine._ranking(
                engines.SqliteEngine._candidates(doc_types, engines.bindparam("match", type_=engines.String)))))
        built = search.search(q, doc_types)
        monkeypatch.undo()
        assert [(h.doc_type, h.doc_id) for h in kept] == [(h.doc_type, h.doc_id) for h in built], (q, doc_types)
        assert [round(h.score, 9) for h in kept] == [round(h.score, 9) for h in built]
    assert search.search("massage oil arnica drops blend", ("product",))  # five words: built for it, and found

"""Facet counts kept by the database (product_facet_counts, migration search_3) equal a brute-force count over the
products and their variants after every kind of change: publish, archive, stock, price, a variant switched off or
deleted, category, kind, a product deleted, and a rolled-back change. The product list's order and filters read
product_facets' sort columns; they equal a sort of the products in Python. A search matching more than the cap
shows "at least" counts. Runs on SQLite and PostgreSQL."""
import re

import pytest
from sqlalchemy import event, select

from store.catalog import facets, services
from store.catalog.facets import PRICE_RANGES, ProductFacetCount
from store.catalog.models import Product, ProductStatus, Variant
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from store import search as search_index
from tests.factories import make_category, make_disclaimers, make_product


def _bucket(price):
    if price is None:
        return ""
    for p in PRICE_RANGES:
        if p.high is not None and price < p.high:
            return p.key
    return PRICE_RANGES[-1].key


def _facts(product):
    active = [v for v in product.variants if v.is_active]
    price = min((v.price_cents for v in active), default=None)
    return (product.category_id, product.kind, _bucket(price), any(v.on_hand - v.reserved > 0 for v in active))


def _brute_force(db) -> dict:
    db.session.expire_all()
    out: dict = {}
    for product in db.session.scalars(select(Product).where(Product.status == ProductStatus.ACTIVE)):
        key = _facts(product)
        out[key] = out.get(key, 0) + 1
    return out


def _kept(db) -> dict:
    rows = db.session.scalars(select(ProductFacetCount)).all()
    assert all(r.products >= 0 for r in rows), "a combination counted below zero"
    return {(r.category_key or None, r.kind, r.price_bucket, r.in_stock): r.products for r in rows if r.products}


def _shown(db, categories) -> dict:
    """What the list's facets say, per facet value, against the same from the brute force."""
    f = facets.counts(facets.Filters(), categories)
    return {name: {v.key: v.count for v in values} for name, values in f.groups.items()} | {"total": f.total}


def _expected_shown(brute, categories) -> dict:
    by = {"category": {}, "kind": {}, "price": {}}
    slugs = {c.id: c.slug for c in categories}
    for (cat, kind, bucket, stock), n in brute.items():
        if cat in slugs:
            by["category"][slugs[cat]] = by["category"].get(slugs[cat], 0) + n
        by["kind"][kind] = by["kind"].get(kind, 0) + n
        if bucket:
            by["price"][bucket] = by["price"].get(bucket, 0) + n
    in_stock = sum(n for key, n in brute.items() if key[3])
    return by | {"in_stock": {"1": in_stock}, "free_from": {}, "total": sum(brute.values())}


def _check(db):
    brute = _brute_force(db)
    assert _kept(db) == brute
    categories = services.categories()
    assert _shown(db, categories) == _expected_shown(brute, categories)


def test_kept_counts_equal_a_brute_force_count_after_every_change(db):
    make_disclaimers()
    shelf, other = make_category("Shelf", "shelf"), make_category("Other", "other")
    hook = make_product("Hook", category=shelf, variants=[{"price_cents": 2500, "on_hand": 2},
                                                         {"price_cents": 1500, "on_hand": 0}])
    ball = make_product("Ball", category=shelf, variants=[{"price_cents": 900, "on_hand": 1}])
    oil = make_product("Warm Oil", kind="oil", category=other, variants=[{"price_cents": 8500, "on_hand": 4}])
    draft = make_product("Draft Roller", category=other, status=ProductStatus.DRAFT,
                         variants=[{"price_cents": 4100, "on_hand": 3}])
    loose = make_product("Loose Strap", variants=[{"price_cents": 3000, "on_hand": 0}])  # no category
    db.session.commit()
    _check(db)

    services.set_status(draft, ProductStatus.ACTIVE)                      # publish
    db.session.commit()
    _check(db)
    services.set_status(ball, ProductStatus.ARCHIVED)                      # archive
    db.session.commit()
    _check(db)
    inventory.adjust(ball.variants[0].id, 5, MovementKind.RESTOCK)         # stock of an archived product
    db.session.commit()
    _check(db)
    services.set_status(ball, ProductStatus.ACTIVE)                        # back, now in stock
    db.session.commit()
    _check(db)

    dear, cheap = sorted(hook.variants, key=lambda v: -v.price_cents)
    inventory.adjust(dear.id, -2, MovementKind.DAMAGED)                    # the last units go: out of stock
    db.session.commit()
    _check(db)
    inventory.adjust(cheap.id, 4, MovementKind.RESTOCK)                    # in stock again, through another
    db.session.commit()
    _check(db)
    cheap.price_cents = 4500                                               # price moves it two ranges up
    db.session.commit()
    _check(db)
    dear.price_cents = 1000                                                # the other variant is now cheapest
    db.session.commit()
    _check(db)
    dear.is_active = False                                                 # switched off: the next cheapest
    db.session.commit()
    _check(db)

    hook.category = other                                                  # category, kind
    oil.kind = "accessory"
    loose.category = shelf
    db.session.commit()
    _check(db)

    oil.variants[0].price_cents = 100                                      # rolled back: nothing changes
    services.set_status(ball, ProductStatus.DRAFT)
    db.session.flush()
    db.session.rollback()
    _check(db)

    db.session.delete(db.session.get(Variant, cheap.id))                  # a variant deleted
    db.session.commit()
    _check(db)
    db.session.delete(db.session.get(Product, loose.id))                  # a product deleted
    db.session.commit()
    _check(db)


def _listed(client, **args):
    html = client.get("/products", query_string=args).get_data(as_text=True)
    return re.findall(r'<article class="card" data-product="([^"]+)"', html)


@pytest.fixture
def catalog(app):
    with app.app_context():
        from store.extensions import db
        make_disclaimers()
        shelf, other = make_category("Shelf", "shelf"), make_category("Other", "other")
        rows = [("Cane", shelf, 2500, 3, True), ("Ball", shelf, 900, 0, False), ("Arch", shelf, 4500, 1, False),
                ("Wheel", other, 1900, 2, True), ("Balm", other, 900, 5, False), ("Strap", shelf, 9900, 2, False)]
        for name, category, price, on_hand, featured in rows:
            make_product(name, slug=name.lower(), category=category, featured=featured,
                         variants=[{"price_cents": price, "on_hand": on_hand}])
        db.session.commit()
    return rows


def test_the_list_order_and_filters_equal_a_sort_in_python(app, client, catalog):
    with app.app_context():
        from store.extensions import db
        products = db.session.scalars(select(Product).where(Product.status == ProductStatus.ACTIVE)).all()
        facts = {p.slug: (p, min(v.price_cents for v in p.variants), any(v.available > 0 for v in p.variants))
                 for p in products}
        shelf_id = next(p.category_id for p in products if p.slug == "cane")
    orders = {
        "featured": lambda s: (not facts[s][0].featured, facts[s][0].name, facts[s][0].id),
        "name": lambda s: (facts[s][0].name, facts[s][0].id),
        "price_asc": lambda s: (facts[s][1], facts[s][0].name, facts[s][0].id),
        "price_desc": lambda s: (-facts[s][1], facts[s][0].name, facts[s][0].id),
        "newest": lambda s: (-facts[s][0].created_at.timestamp(), -facts[s][0].id),
    }
    for sort, key in orders.items():
        assert _listed(client, sort=sort) == sorted(facts, key=key), sort
        shelf = [s for s in facts if facts[s][0].category_id == shelf_id]
        assert _listed(client, sort=sort, category="shelf") == sorted(shelf, key=key), sort
        stocked = [s for s in shelf if facts[s][2] and 2000 <= facts[s][1] < 8000]
        assert _listed(client, sort=sort, category="shelf", in_stock="1", price="20-40") + \
            _listed(client, sort=sort, category="shelf", in_stock="1", price="40-80") == \
            sorted([s for s in stocked if facts[s][1] < 4000], key=key) + \
            sorted([s for s in stocked if facts[s][1] >= 4000], key=key), sort


def test_a_renamed_or_featured_product_moves_in_the_list(app, client, catalog):
    with app.app_context():
        from store.extensions import db
        product = db.session.scalar(select(Product).where(Product.slug == "strap"))
        product.name = "Aardvark Strap"
        product.featured = True
        db.session.commit()
    assert _listed(client, sort="name")[0] == "strap"
    assert _listed(client, sort="featured")[0] == "strap"


def test_a_search_matching_more_than_the_cap_counts_at_least(app, client, catalog, monkeypatch):
    monkeypatch.setattr(facets, "SEARCH_COUNT_CAP", 3)
    html = client.get("/search", query_string={"q": "summary"}).get_data(as_text=True)  # every product
    assert re.search(r'role="status">\s*3\+ products', html)
    counts = [int(n) for n in re.findall(r'class="facet__count">\((\d+)\+\)', html)]
    assert counts and max(counts) <= 4
    monkeypatch.setattr(facets, "SEARCH_COUNT_CAP", 1000)
    html = client.get("/search", query_string={"q": "summary"}).get_data(as_text=True)
    assert re.search(r'role="status">\s*6 products', html)
    assert "+)" not in html


def test_searches_of_one_shape_share_a_kept_counting_statement_and_count_their_own_matches(app, catalog):
    """The counting statement is built once per plan shape (the words bound at execution): one-word searches
    share one statement and each counts its own products, in whichever order they run."""
    from store.extensions import db
    with app.test_request_context():
        categories = services.categories()
        scopes = {q: search_index.matching_ids(search_index.prepare(q), "product") for q in ("ball", "wheel", "balm")}
        assert all(s.reusable for s in scopes.values())
        assert len({id(facets._kept_scoped_rows(s.select)) for s in scopes.values()}) == 1
        executed = []

        def capture(conn, cursor, statement, *args):
            executed.append(statement)

        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            for q in ("ball", "wheel", "balm", "ball"):
                shown = facets.counts(facets.Filters(), categories, scope=scopes[q])
                by_category = {v.key: v.count for v in shown.groups["category"]}
                assert shown.total == 1 and by_category == {"ball": {"shelf": 1}, "wheel": {"other": 1},
                                                            "balm": {"other": 1}}[q], q
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        assert len(set(executed)) == 1   # the same SQL each time, its values bound


def test_ranking_reads_a_bounded_candidate_set(app, catalog, monkeypatch):
    from store.search import engines
    with app.test_request_context():
        everything = search_index.search("summary", ("product",), limit=50)
        assert len(everything) == 6
        monkeypatch.setattr(engines, "RANK_CANDIDATES", 2)
        assert len(search_index.search("summary", ("product",), limit=50)) == 2


def test_counts_include_the_transactions_own_changes_before_it_commits(db):
    make_disclaimers()
    shelf = make_category("Shelf", "shelf")
    make_product("Hook", category=shelf, variants=[{"price_cents": 2500, "on_hand": 2}])
    db.session.commit()
    make_product("Cane", category=shelf, variants=[{"price_cents": 900, "on_hand": 0}])
    db.session.flush()  # not committed: the list read in this transaction counts it already
    shown = facets.counts(facets.Filters(), services.categories())
    assert shown.total == 2
    assert {v.key: v.count for v in shown.groups["price"]} == {"under-20": 1, "20-40": 1}
    db.session.rollback()
    assert facets.counts(facets.Filters(), services.categories()).total == 1


def test_concurrent_stock_and_price_changes_keep_the_counts_right(app, db):
    """Six sessions at once move products between the same combinations in opposite directions (stock out and
    back, a price across a range): every count still equals the brute force, and none waits forever (on
    PostgreSQL the counts are folded at commit in key order)."""
    import threading
    make_disclaimers()
    shelf = make_category("Shelf", "shelf")
    products = [make_product(f"Race {n}", category=shelf,
                             variants=[{"price_cents": 1500 if n % 2 else 2500, "on_hand": 0 if n % 3 else 2}])
                for n in range(6)]
    db.session.commit()
    ids = [p.variants[0].id for p in products]
    barrier, errors = threading.Barrier(6), []

    def worker(n):
        from store.extensions import db as _db
        with app.app_context():
            try:
                barrier.wait()
                for step in range(5):
                    variant = _db.session.get(Variant, ids[n])
                    variant.price_cents = 2500 if (n + step) % 2 else 1500
                    _db.session.flush()
                    if (n + step) % 2:
                        inventory.adjust(ids[n], 3, MovementKind.RESTOCK)
                    elif variant.available:
                        inventory.adjust(ids[n], -variant.available, MovementKind.DAMAGED)
                    _db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and not any(t.is_alive() for t in threads), errors
    _check(db)

"""Search scale benchmark, run by hand (never part of `make test`): 1k, 10k and 100k products on SQLite and on
PostgreSQL, timing search, facet counts and the filtered product list in-process and printing p50 / p95 (ms).

Each size gets a fresh database built by the migrations (SQLite: a temporary file; PostgreSQL: a throwaway
database on BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres, dropped at the end).
Products, variants, images, search documents and words are seeded with bulk inserts; the engines index them as
they arrive (FTS5 triggers, the generated tsvector column), exactly as the shop's own saves do.

The catalog is shaped like a real one: a name is a made-up brand word plus two to three product words, and a
description draws its words from a 6,000-word Zipf-distributed vocabulary, so most words are rare and a few
common. Queries are what shoppers type: a product word, two words, a prefix, a typo, a synonym; "broad" ones
(one common product word) match a fixed share of the catalog and are reported on their own line.

The sizes are measured in turns (``--rounds``), the same queries each round, and each size's p50 and p95 are taken
over all its rounds: a slow minute on a shared machine then weighs on every size alike instead of on whichever
size it happened to fall. Before measuring, what start-up and the seeding left alive is frozen out of the garbage
collector (``gc.freeze()``), as ``wsgi.py`` does in a worker once the app is built.

``--pin CPU`` runs the benchmark on one core, and its own PostgreSQL backends with it (each new connection's
server process, found with pg_backend_pid(), when the server is on this machine): on a virtual machine a query's
round trip between two idle cores pays for waking the other one (on the 2-core machine this was written on, a
``SELECT 1`` took 0.68 ms at p50 and 2.1 ms at p95 across cores, 0.18 and 0.23 ms on one), which swamps what is
measured. Only the benchmark's own backends are pinned; they end with it.

Usage: python bench/search_scale.py [--sizes 1000,10000,100000] [--engines sqlite,postgresql] [--requests 200]
       [--rounds 3] [--pin CPU]
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PRODUCT_WORDS = ("steel edge stone gua sha foam roller ball peanut cane hook foot arch heel warming arnica carrier "
                 "oil pouch travel pump wooden spiky firm soft medium large small textured smooth bevelled curved "
                 "board splint cooling balm lotion strap wheel").split()
SELECTIVE = ["{brand} roller", "{brand}", "{brand} oil", "{brand2} ball", "{brand} pump", "{rare}", "{rare} {rare2}",
             "{brand_prefix}", "{brand_typo}", "guasha", "{brand} {word}"]
BROAD = ["roller", "warming oil", "rol", "rolr", "heel"]


def _vocabulary(rng: random.Random, n: int) -> list[str]:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words = set()
    while len(words) < n:
        length = rng.randint(2, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(length)))
    return sorted(words)


def seed(app, n: int, rng: random.Random, first_id: int = 1) -> dict:
    """Bulk-insert n active products (2 variants, a picture, a search document each), with ids from first_id
    (bench/pages.py adds them after the demo store's own). Returns query material."""
    from sqlalchemy import insert

    from store.catalog.models import Category, Product, ProductImage, Variant
    from store.extensions import db
    from store.safety.seed import seed_disclaimers
    from store.search import engines, fold
    from store.search.models import SearchDocument, SearchSynonym

    vocab = _vocabulary(rng, 6000)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    brands = vocab[::7][: max(50, n // 20)]  # about 20 products per brand
    with app.app_context():
        seed_disclaimers()
        categories = [Category(slug=f"shelf-{i}", name=f"Shelf {i}", description="Bench shelf", position=i)
                      for i in range(12)]
        db.session.add_all(categories)
        db.session.add(SearchSynonym(terms="guasha, gua sha"))
        db.session.flush()
        cat_names = {c.id: c.name for c in categories}
        products, variants, images, documents, words = [], [], [], [], set()
        for i in range(n):
            pid = first_id + i
            brand = brands[i % len(brands)]
            name = " ".join([brand.title()] + [w.title() for w in rng.sample(PRODUCT_WORDS, rng.randint(2, 3))])
            description = " ".join(rng.choices(vocab, weights=weights, k=30))
            kind = rng.choice(["tool", "oil", "accessory"])
            category_id = categories[i % len(categories)].id
            summary = f"{name}: a bench product."
            products.append(dict(id=pid, slug=f"bench-{i}", name=name, kind=kind, status="active", summary=summary,
                                 featured=i % 20 == 0, description_md=description,
                                 description_html="<p>Bench product.</p>",
                                 warnings="Stop if pain increases.\nAvoid broken skin.", category_id=category_id,
                                 version=1))
            labels = []
            for j, label in enumerate(("Small", "Large")):
                sku = f"B{i}-{j}"
                labels.append(f"{label} {sku}")
                variants.append(dict(product_id=pid, sku=sku, option_label=label,
                                     price_cents=rng.randint(500, 12000), on_hand=rng.choice([0, 0, 3, 8, 20]),
                                     reserved=0, position=j, is_active=True, low_stock_threshold=3,
                                     weight_grams=200))
            images.append(dict(product_id=pid, path="img/products/placeholder.svg", alt_text=f"Picture of {name}",
                               position=0))
            # The same columns catalog.services.reindex_product gives search (title / keywords / body).
            doc = dict(doc_type="product", doc_id=pid, title=fold(name),
                       keywords=fold(" ".join([summary, kind, cat_names[category_id]] + labels)),
                       body=fold(description))
            documents.append(doc)
            words.update(w for w in (doc["title"] + " " + doc["body"]).split() if len(w) >= 3 and not w.isdigit())
        for rows, model in ((products, Product), (variants, Variant), (images, ProductImage),
                            (documents, SearchDocument)):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start:start + 5000])
        engines.add_words(sorted(words))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.execute(db.text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
            db.session.commit()
    return {"brands": brands, "rare": vocab[-2000:], "words": PRODUCT_WORDS}


def _queries(material, rng, count):
    out = []
    for _ in range(count):
        template = rng.choice(SELECTIVE)
        brand = rng.choice(material["brands"])
        typo = brand[:2] + brand[3] + brand[2] + brand[4:] if len(brand) >= 5 else brand + "x"
        out.append(template.format(brand=brand, brand2=rng.choice(material["brands"]),
                                   rare=rng.choice(material["rare"]), rare2=rng.choice(material["rare"]),
                                   brand_prefix=brand[:-1], brand_typo=typo, word=rng.choice(material["words"])))
    return out


def _pct(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def measure(app, material, requests: int, rng) -> dict[str, list[float]]:
    """One round: ``requests`` timed calls of each measurement (ms per call, in the order made)."""
    from store import search as search_index
    from store.catalog import facets, services
    from store.extensions import db

    results = {}
    with app.test_request_context():
        categories = services.categories()

        def time_it(label, fn, inputs):
            samples = []
            for value in inputs:
                start = time.perf_counter()
                fn(value)
                samples.append((time.perf_counter() - start) * 1000)
                db.session.rollback()
            results[label] = samples

        selective = _queries(material, rng, requests)
        broad = [BROAD[i % len(BROAD)] for i in range(requests // 2)]

        def run_search(q):
            plan = search_index.prepare(q)
            search_index.load(search_index.hits(plan, ("product",), limit=48))

        # Each timed call loads the categories itself, as the views do on every request (a rollback after each
        # call expires the objects loaded before, which would otherwise be lazy-loaded one by one).
        def run_facets(q):
            plan = search_index.prepare(q)
            facets.counts(facets.Filters(), services.categories(),
                          scope=search_index.matching_ids(plan, "product"))

        for q in selective[:10] + broad[:5]:  # warm-up
            run_search(q)
        time_it("search (selective)", run_search, selective)
        time_it("search (broad)", run_search, broad)
        time_it("facet counts on search (selective)", run_facets, selective)
        time_it("facet counts on search (broad)", run_facets, broad)
        filtered = [{"category": categories[i % len(categories)].slug, "in_stock": "1",
                     "price": facets.PRICE_RANGES[i % 4].key, "sort": ["featured", "price_asc", "name"][i % 3]}
                    for i in range(requests)]

        def run_list(args):
            categories = services.categories()
            query = services.parse_listing_args(args, categories)
            counts = facets.counts(query.filters(), categories)
            page = services.list_products(query, total=counts.total)
            list(page.items)

        def run_list_only(args):
            categories = services.categories()
            query = services.parse_listing_args(args, categories)
            list(services.list_products(query).items)

        time_it("filtered product list (with its facet counts)", run_list, filtered)
        time_it("filtered product list (page only)", run_list_only, filtered)  # its total: the kept counts
        time_it("facet counts, whole catalog", lambda _: facets.counts(facets.Filters(), services.categories()),
                range(requests))
    return results


def pin_backends(engine, cpu: int) -> None:
    """Each new connection's PostgreSQL server process on ``cpu`` (a server on this machine; else nothing)."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pin(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cursor.close()
        dbapi_connection.rollback()
        try:
            os.sched_setaffinity(pid, {cpu})
        except OSError:  # a server on another host (no such process here), or not ours to pin
            pass


def _database(engine_name: str, n: int):
    if engine_name == "sqlite":
        folder = tempfile.mkdtemp(prefix="kneadwell-bench-")
        return f"sqlite:///{folder}/bench-{n}.db", None
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    server = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"kneadwell_bench_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=200, help="timed calls per measurement and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pin", type=int, default=None, metavar="CPU",
                        help="run on this core, with the benchmark's own PostgreSQL backends")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.pin is not None:
        os.sched_setaffinity(0, {args.pin})

    from config import TestingConfig
    from flask_migrate import upgrade

    from store import create_app
    from store.extensions import db

    sizes = [int(s) for s in args.sizes.split(",")]
    table = []
    for engine_name in args.engines.split(","):
        built, drops = {}, []
        try:
            for n in sizes:
                url, drop = _database(engine_name, n)
                if drop is not None:
                    drops.append(drop)
                app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ECHO=False)
                with app.app_context():
                    if args.pin is not None and engine_name == "postgresql":
                        pin_backends(db.engine, args.pin)
                    upgrade()
                started = time.perf_counter()
                material = seed(app, n, random.Random(42))
                built[n] = (app, material, time.perf_counter() - started)
            # The sizes take turns, a round each (the same queries every round), so that whatever else the
            # machine does in a while weighs on every size alike; a size's p50 / p95 are over all its rounds.
            # As wsgi.py does once the app is built, what start-up (here also the seeding) left alive is frozen,
            # so the collector's full passes walk the requests' own objects only.
            gc.collect()
            gc.freeze()
            samples: dict = {n: {} for n in sizes}
            for _ in range(args.rounds):
                for n in sizes:
                    app, material, _seeded = built[n]
                    for label, values in measure(app, material, args.requests, random.Random(7)).items():
                        samples[n].setdefault(label, []).extend(values)
            gc.unfreeze()
            for n in sizes:
                seeded = built[n][2]
                pinned = "" if args.pin is None else f" · on core {args.pin}"
                print(f"\n{engine_name} · {n:,} products (seeded in {seeded:.1f} s) · "
                      f"{args.rounds} rounds of {args.requests} requests each{pinned}")
                for label, values in samples[n].items():
                    p50, p95 = _pct(values)
                    print(f"  {label:<48} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
                    table.append((engine_name, n, label, p50, p95))
        finally:
            for app, _material, _seeded in built.values():
                with app.app_context():
                    db.engine.dispose()
            for drop in drops:
                drop()
    print("\np95 at the largest size / p95 at the smallest, per engine and measurement:")
    by_key: dict = {}
    for engine_name, n, label, p50, p95 in table:
        by_key.setdefault((engine_name, label), {})[n] = p95
    for (engine_name, label), by_size in by_key.items():
        small, large = by_size[min(by_size)], by_size[max(by_size)]
        print(f"  {engine_name:<10} {label:<48} {large / small:5.1f}x  ({small:.2f} -> {large:.2f} ms)")


if __name__ == "__main__":
    main()

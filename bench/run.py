"""Catalog benchmark, run by hand: `make bench` (never part of `make test`).

Seeds N products (2 variants and an image each, the search index filled) into a temporary SQLite database
built by the migrations, then times the product list, product detail and search pages through the Flask test
client and prints median and p95 per page. Usage: python bench/run.py [--products 2000] [--requests 200]
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("steel edge stone gua sha foam roller ball peanut cane hook foot arch heel warming arnica carrier oil "
         "pouch travel pump wooden spiky firm soft medium large small textured smooth bevelled curved").split()


def seed(app, n: int) -> None:
    from sqlalchemy import insert, select

    from store.catalog import services
    from store.catalog.models import Category, Product, ProductImage, Variant
    from store.extensions import db
    from store.safety.seed import seed_disclaimers

    rng = random.Random(42)
    with app.app_context():
        seed_disclaimers()
        categories = [Category(slug=f"shelf-{i}", name=f"Shelf {i}", description="Bench shelf", position=i)
                      for i in range(8)]
        db.session.add_all(categories)
        db.session.flush()
        # Bulk inserts: seeding 2000 products one ORM object at a time would dominate the run.
        products, variants, images = [], [], []
        for i in range(n):
            name = " ".join(rng.sample(WORDS, 3)).title() + f" {i}"
            products.append(dict(id=i + 1, slug=f"bench-{i}", name=name, kind=rng.choice(["tool", "oil", "accessory"]),
                                 status="active", summary=f"{name}: a bench product.", featured=i % 20 == 0,
                                 description_md=" ".join(rng.choices(WORDS, k=60)),
                                 description_html="<p>Bench product.</p>",
                                 warnings="Stop if pain increases.\nAvoid broken skin.",
                                 category_id=categories[i % 8].id, version=1))
            for j, label in enumerate(("Small", "Large")):
                variants.append(dict(product_id=i + 1, sku=f"B{i}-{j}", option_label=label,
                                     price_cents=rng.randint(500, 9000), on_hand=rng.randint(0, 30), reserved=0,
                                     position=j, is_active=True, low_stock_threshold=3, weight_grams=200))
            images.append(dict(product_id=i + 1, path="img/products/placeholder.svg", alt_text=f"Picture of {name}",
                               position=0))
        db.session.execute(insert(Product), products)
        db.session.execute(insert(Variant), variants)
        db.session.execute(insert(ProductImage), images)
        db.session.commit()
        for product in db.session.scalars(select(Product).order_by(Product.id)):
            services.reindex_product(product)
        db.session.commit()


def timed(client, paths: list[str]) -> list[float]:
    samples = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("RATELIMIT_ENABLED", "0")
    from flask_migrate import upgrade

    from config import TestingConfig
    from store import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db",
                         SQLALCHEMY_RECORD_QUERIES=False, TESTING=False)
        with app.app_context():
            upgrade()
        logging.disable(logging.INFO)  # migration chatter; the table below is the output
        started = time.perf_counter()
        seed(app, args.products)
        print(f"Seeded {args.products} products in {time.perf_counter() - started:.1f}s "
              f"(SQLite, {args.requests} requests per page)\n")

        rng = random.Random(7)
        n, r = args.products, args.requests
        pages = {
            "product list": [f"/products?page={rng.randint(1, 20)}&sort={rng.choice(['featured', 'name', 'price_asc', 'newest'])}"
                             for _ in range(r)],
            "product list, filtered": [f"/products?category=shelf-{rng.randint(0, 7)}&in_stock=1&sort=price_desc"
                                       for _ in range(r)],
            "product detail": [f"/products/bench-{rng.randrange(n)}" for _ in range(r)],
            "search": [f"/search?q={'+'.join(rng.sample(WORDS, rng.randint(1, 3)))}" for _ in range(r)],
            "search, prefix": [f"/search?q={rng.choice(WORDS)[:3]}" for _ in range(r)],
        }
        client = app.test_client()
        print(f"{'page':<26}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}")
        for name, paths in pages.items():
            timed(client, paths[:10])  # warm-up
            samples = timed(client, paths)
            print(f"{name:<26}{statistics.median(samples):>10.1f}{p95(samples):>10.1f}{max(samples):>10.1f}")
        with app.app_context():
            from store.extensions import db
            db.engine.dispose()


if __name__ == "__main__":
    main()

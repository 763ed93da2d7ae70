"""Lighthouse (mobile, performance) on the shop's pages, run by hand (never part of `make test`).

Builds a fresh SQLite store with the demo data, serves it with gunicorn (2 sync workers, development settings,
PAGE_CACHE on unless --cache off) and runs the Lighthouse CLI on home, product list, a product page, a guide and
the cart, with Debian's Chromium headless (CHROME_PATH, default /usr/bin/chromium). Lighthouse itself is not a
dependency of the shop: install it apart, e.g. `npm i -E lighthouse@12.2.3 --prefix /tmp/perf-npm` (13.x needs a
newer Node), and point LIGHTHOUSE at its CLI (default /tmp/perf-npm/node_modules/.bin/lighthouse, then PATH).
Prints the performance score and the main metrics per page; --json DIR keeps the full reports.

Usage: python bench/lighthouse.py [--cache on|off] [--json DIR] [--runs 1]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import Server  # noqa: E402

METRICS = (("first-contentful-paint", "FCP"), ("largest-contentful-paint", "LCP"), ("total-blocking-time", "TBT"),
           ("cumulative-layout-shift", "CLS"), ("speed-index", "SI"))


def lighthouse_cli() -> str:
    candidate = os.environ.get("LIGHTHOUSE") or "/tmp/perf-npm/node_modules/.bin/lighthouse"
    if Path(candidate).exists():
        return candidate
    found = shutil.which("lighthouse")
    if not found:
        raise SystemExit("Lighthouse not found: npm i -E lighthouse@12.2.3 --prefix /tmp/perf-npm (or set LIGHTHOUSE)")
    return found


def build(tmp: str) -> tuple[str, dict[str, str]]:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from config import TestingConfig
    from store import create_app
    from store.catalog.models import Product
    from store.demo import seed_all
    from store.extensions import db
    from store.guides.models import Guide

    url = f"sqlite:///{tmp}/store.db"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        seed_all()
        product = db.session.scalar(select(Product.slug).where(Product.status == "active").order_by(Product.id))
        guide = db.session.scalar(select(Guide.slug).where(Guide.status == "published").order_by(Guide.id))
        db.engine.dispose()
    return url, {"home": "/", "list": "/products", "product": f"/products/{product}", "guide": f"/guides/{guide}",
                 "cart": "/cart"}


def run(cli: str, url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run([cli, url, "--only-categories=performance", "--output=json", f"--output-path={out}", "--quiet",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
                   env=env, check=True)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default="on")
    parser.add_argument("--json", default="")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median score is printed")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    cli = lighthouse_cli()
    tmp = tempfile.mkdtemp(prefix="kneadwell-lighthouse-")
    out_dir = Path(args.json or tmp)
    out_dir.mkdir(parents=True, exist_ok=True)
    db_url, paths = build(tmp)
    env = {"STORE_ENV": "development", "DATABASE_URL": db_url, "RATELIMIT_ENABLED": "0", "PAGE_CACHE": args.cache,
           "PAGE_CACHE_URL": f"sqlite:///{tmp}/page_cache.db", "JOB_QUEUE_URL": f"sqlite:///{tmp}/jobs.db"}
    server = Server("wsgi:app", env, 2, ROOT)
    print(f"Lighthouse (mobile preset, performance), PAGE_CACHE={args.cache}, {args.runs} run(s) per page, "
          "shared 2-core machine")
    print(f"  {'page':<9}{'score':>6}  " + "  ".join(f"{label:>7}" for _, label in METRICS))
    try:
        for name, path in paths.items():
            reports = [run(cli, f"http://127.0.0.1:{server.port}{path}", out_dir / f"{name}-{i}.json")
                       for i in range(args.runs)]
            scores = [r["categories"]["performance"]["score"] for r in reports]
            report = reports[scores.index(sorted(scores)[len(scores) // 2])]
            cells = []
            for key, label in METRICS:
                audit = report["audits"][key]
                cells.append(f"{audit.get('displayValue', '-'):>7}")
            print(f"  {name:<9}{statistics.median(scores):>6.2f}  " + "  ".join(cells), flush=True)
    finally:
        server.stop()
        if not args.json:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""HTTP benchmark of the shop-front pages against the framework's floor, run by hand (never part of `make test`).

For each database (SQLite, PostgreSQL) and catalog size (default 1k and 100k products) it builds a fresh
database with the migrations, seeds the demo store (guides, reviews, pages) plus N bench products (bulk inserts,
from bench/search_scale.py), then serves it with gunicorn (WORKERS sync workers, production-like development
settings, rate limits off) with PAGE_CACHE on and off, and loads home, product list, product detail, guide,
search and cart pages with CONNECTIONS concurrent connections (bench/loadgen.py) as anonymous first-time visitors
(no cookie). The floor is bench/floor.py on the same gunicorn settings, rendering a page of the same size from
memory, measured right before each store line (the machine is shared); each line prints the floor's req/s, the
store's req/s, p50 and p99 (ms), and store req/s / floor req/s. With more than one catalog size it ends with
req/s at the largest size over req/s at the smallest, raw and with each line first divided by its floor.

Cache store: SQLite runs use the file fallback (PAGE_CACHE_URL=sqlite:///...), PostgreSQL runs use Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/13, under a key prefix of this run, deleted at the end).

Usage: python bench/pages.py [--sizes 1000,100000] [--engines sqlite,postgresql] [--cache on,off]
                             [--duration 5] [--connections 16] [--workers 2] [--pages home,list,...] [--rounds 1]

--rounds N measures each line N times (the floor, then the store) and reports the round with the median
store/floor ratio, plus the store's lowest and highest req/s of the rounds: on a shared machine one 5-second
round can land in a slow spell (the cart, which reads nothing of the catalog, has come out 0.62x from 1k to 100k).
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402
import wrk  # noqa: E402
import search_scale  # noqa: E402

PAGES = ("home", "list", "product", "guide", "search", "cart")
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn on a free port, stopped (SIGTERM to its own process group) on exit."""

    def __init__(self, app: str, env: dict[str, str], workers: int, chdir: Path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}", "--chdir", str(chdir),
             "--log-level", "warning", app],
            env={**os.environ, **env, "PORT": str(self.port)}, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"{app} exited with {self.proc.returncode}")
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"{app} did not answer /healthz within 60 s")

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def build(engine_name: str, n: int):
    """A fresh database with the demo store and n bench products; returns (url, drop, paths per page)."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from config import TestingConfig
    from store import create_app
    from store.catalog.models import Product
    from store.demo import seed_all
    from store.extensions import db
    from store.guides.models import Guide

    url, drop = search_scale._database(engine_name, n)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_RECORD_QUERIES=False)
    with app.app_context():
        upgrade()
        seed_all()
        first_id = (db.session.scalar(select(func.max(Product.id))) or 0) + 1
        demo_products = list(db.session.scalars(select(Product.slug).where(Product.status == "active")))
        guides = list(db.session.scalars(select(Guide.slug).where(Guide.status == "published")))
        db.session.remove()
    started = time.perf_counter()
    search_scale.seed(app, n, random.Random(42), first_id=first_id)
    seeded = time.perf_counter() - started
    with app.app_context():
        db.engine.dispose()
    rng = random.Random(7)
    words = ["roller", "oil", "gua sha", "foot", "warming", "ball", "stone", "heel"]
    paths = {
        "home": ["/"],
        "list": ["/products"] + [f"/products?page={p}" for p in range(2, 6)]
                + [f"/products?sort={s}" for s in ("name", "price_asc", "newest")],
        "product": [f"/products/{s}" for s in demo_products[:10]]
                   + [f"/products/bench-{rng.randrange(n)}" for _ in range(10)],
        "guide": [f"/guides/{s}" for s in guides[:10]],
        "search": [f"/search?q={w.replace(' ', '+')}" for w in words],
        "cart": ["/cart"],
    }
    return url, drop, paths, seeded


def measure(server: Server, paths: list[str], args, *, warm_up: bool = True):
    tool = wrk if args.loadgen == "wrk" else loadgen
    if warm_up:
        tool.load("127.0.0.1", server.port, paths, connections=args.connections, duration=args.warmup)
    return tool.load("127.0.0.1", server.port, paths, connections=args.connections, duration=args.duration)


def measure_line(floor: Server, floor_paths: list[str], server: Server, paths: list[str], args):
    """(floor, store) results of one line: ``--rounds`` times the floor then the store, and of those rounds the
    one whose store/floor ratio is the median (the machine is shared: a single round can land in a slow spell).
    Also the lowest and highest store req/s of the rounds."""
    rounds = []
    for i in range(max(1, args.rounds)):
        f = measure(floor, floor_paths, args, warm_up=i == 0)
        rounds.append((f, measure(server, paths, args, warm_up=i == 0)))
    rounds.sort(key=lambda fr: fr[1].rps / fr[0].rps if fr[0].rps else 0.0)
    f, r = rounds[len(rounds) // 2]
    return f, r, (min(x.rps for _, x in rounds), max(x.rps for _, x in rounds))


def store_env(url: str, cache: str, engine_name: str, tmp: str, prefix: str, redis_url: str) -> dict[str, str]:
    env = {"STORE_ENV": "development", "DATABASE_URL": url, "RATELIMIT_ENABLED": "0", "PAGE_CACHE": cache,
           "JOB_QUEUE_URL": f"sqlite:///{tmp}/jobs.db", "LOG_FORMAT": "text", "PAGE_CACHE_PREFIX": prefix}
    if engine_name == "postgresql":
        env["PAGE_CACHE_URL"] = redis_url
    else:
        env["PAGE_CACHE_URL"] = f"sqlite:///{tmp}/page_cache.db"
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--cache", default="on,off")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure each line this many times (floor, then store) and report the median round")
    parser.add_argument("--loadgen", choices=("wrk", "python"), default="wrk" if wrk.available() else "python",
                        help="wrk (Debian's, when installed) or the Python generator bench/loadgen.py")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    prefix = f"kneadwell-bench-{secrets.token_hex(4)}:"
    pages = [p for p in args.pages.split(",") if p]
    modes = [m for m in args.cache.split(",") if m]

    print(f"gunicorn {args.workers} sync workers, {args.connections} connections, {args.duration:g} s per line "
          f"after {args.warmup:g} s of warm-up, load from {args.loadgen}; anonymous first visits (no cookie)"
          + (f"; each line the median of {args.rounds} rounds (by store/floor)." if args.rounds > 1 else "."))
    floor = Server("bench.floor:app", {}, args.workers, ROOT)
    rps: dict = {}
    floor_rps: dict = {}  # the floor's req/s measured right before each store line
    try:
        for engine_name in args.engines.split(","):
            for n in (int(s) for s in args.sizes.split(",")):
                url, drop, paths, seeded = build(engine_name, n)
                tmp = tempfile.mkdtemp(prefix="kneadwell-pages-")
                try:
                    results: dict = {}
                    floors: dict = {}
                    spreads: dict = {}
                    sizes: dict = {}
                    for mode in modes:
                        server = Server("wsgi:app", store_env(url, mode, engine_name, tmp, prefix, redis_url),
                                        args.workers, ROOT)
                        try:
                            for page in pages:
                                bodies = [server.get(p) for p in paths[page]]
                                bad = [(p, s) for p, (s, _) in zip(paths[page], bodies) if s != 200]
                                if bad:
                                    raise SystemExit(f"{page}: {bad[:3]}")
                                sizes[page] = sum(len(b) for _, b in bodies) // len(bodies)
                                # the floor right before the store, at the same page size: the machine is shared
                                (floors[(mode, page)], results[(mode, page)],
                                 spreads[(mode, page)]) = measure_line(floor, [f"/page/{sizes[page]}"], server,
                                                                       paths[page], args)
                        finally:
                            server.stop()
                finally:
                    if drop is not None:
                        drop()
                    else:  # the SQLite database's own temporary folder
                        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
                    shutil.rmtree(tmp, ignore_errors=True)
                print(f"\n{engine_name} · {n:,} bench products + the demo store (seeded in {seeded:.1f} s)")
                header = f"  {'page':<8}{'bytes':>7}"
                for mode in modes:
                    header += f"  | cache {mode:<3} {'floor':>6} {'r/s':>6} {'p50':>6} {'p99':>6} {'ratio':>5} {'err':>3}"
                    if args.rounds > 1:
                        header += f" {'r/s of the rounds':>17}"
                print(header)
                for page in pages:
                    line = f"  {page:<8}{sizes[page]:>7}"
                    for mode in modes:
                        r, f = results[(mode, page)], floors[(mode, page)]
                        rps[(engine_name, mode, page, n)] = r.rps
                        floor_rps[(engine_name, mode, page, n)] = f.rps
                        line += (f"  |           {f.rps:>6.0f} {r.rps:>6.0f} {r.pct(0.5):>6.1f} {r.pct(0.99):>6.1f} "
                                 f"{r.rps / f.rps:>5.2f} {r.errors:>3}")
                        if args.rounds > 1:
                            low, high = spreads[(mode, page)]
                            line += f" {f'{low:.0f}-{high:.0f}':>17}"
                    print(line, flush=True)
    finally:
        floor.stop()
        try:
            import redis
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(match=prefix + "*", count=1000):
                client.delete(key)
        except Exception:  # noqa: BLE001  (no Redis: nothing was stored there)
            pass
    sizes_run = sorted({n for (_, _, _, n) in rps})
    if len(sizes_run) > 1:
        small, large = sizes_run[0], sizes_run[-1]
        print(f"\nreq/s at {large:,} products / req/s at {small:,}:")
        for engine_name in args.engines.split(","):
            for mode in modes:
                cells = " ".join(f"{page} {rps[(engine_name, mode, page, large)] / rps[(engine_name, mode, page, small)]:.2f}"
                                 for page in pages)
                print(f"  {engine_name:<10} cache {mode:<3}  {cells}")
        # The machine is shared and its speed drifts between the two catalogs' runs (the floor's own req/s moves by
        # a third): the same comparison with each line first divided by the floor measured right before it.
        print(f"\nthe same, each line's req/s over its floor's first ((store/floor) at {large:,} / at {small:,}):")
        for engine_name in args.engines.split(","):
            for mode in modes:
                cells = " ".join(
                    f"{page} {(rps[(engine_name, mode, page, large)] / floor_rps[(engine_name, mode, page, large)]) / (rps[(engine_name, mode, page, small)] / floor_rps[(engine_name, mode, page, small)]):.2f}"
                    for page in pages)
                print(f"  {engine_name:<10} cache {mode:<3}  {cells}")


if __name__ == "__main__":
    main()

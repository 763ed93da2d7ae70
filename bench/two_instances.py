"""Two app instances on one PostgreSQL and one Redis, 40 shoppers for 5 units. Run by hand:

    .venv/bin/python bench/two_instances.py [--shoppers 40] [--units 5] [--workers 2] [--timeout 120]

What it does, and undoes:
1. creates a throwaway database on POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres),
   migrates it and seeds the disclaimers and one product with --units units;
2. starts two gunicorn instances (--workers each) on free loopback ports, sharing the database, Redis
   (REDIS_URL, default redis://127.0.0.1:6379/15) and SECRET_KEY, and waits for /readyz on both;
3. runs --shoppers shoppers at once over HTTP, each adding one unit to the cart on one instance and checking
   out (with the demo payment) on the other, so sessions cross instances;
4. prints orders, units sold, oversold, HTTP errors and whether the stock ledger matches, then stops both
   instances and drops the database, whatever happened. Everything is bounded by --timeout seconds.
Exit status 0 only when nothing was oversold, no request failed and the ledger matches.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
SLUG = "bench-last-five"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(url: str, units: int) -> None:
    """Migrate and seed in this process (the instances never create schema)."""
    from flask_migrate import upgrade

    from config import DevelopmentConfig
    from store import create_app
    from store.catalog import services as catalog
    from store.catalog.models import Product, ProductImage, ProductStatus, Variant
    from store.extensions import db
    from store.inventory import services as inventory
    from store.inventory.models import MovementKind
    from store.safety.seed import seed_disclaimers

    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        upgrade()
        seed_disclaimers()
        product = Product(name="The Last Five Roller", slug=SLUG, kind="tool", summary="Only five made.",
                          warnings="Do not use over bruises.\nStop if pain increases.", status=ProductStatus.DRAFT)
        catalog.set_description(product, "A **bench** roller.")
        product.images.append(ProductImage(path="img/products/foam-roller.svg", alt_text="A foam roller"))
        product.variants.append(Variant(sku="BENCH-5", option_label="Standard", price_cents=2500, on_hand=0,
                                        position=0, is_active=True))
        db.session.add(product)
        db.session.flush()
        inventory.adjust(product.variants[0].id, units, MovementKind.INITIAL)
        db.session.refresh(product)
        catalog.set_status(product, ProductStatus.ACTIVE)
        catalog.reindex_product(product)
        db.session.commit()
        db.engine.dispose()


def start_instance(name: str, port: int, url: str, workers: int, secret: str, log_dir: Path):
    env = dict(os.environ, STORE_ENV="development", DATABASE_URL=url, REDIS_URL=REDIS_URL, SECRET_KEY=secret,
               DEMO_PAYMENTS="1", STORE_URL=f"http://127.0.0.1:{port}", PYTHONUNBUFFERED="1")
    env.pop("RATELIMIT_STORAGE_URI", None)
    log = open(log_dir / f"{name}.log", "wb")
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--graceful-timeout", "5", "--chdir", str(ROOT), "wsgi:app"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return process, log


def wait_ready(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{base} never became ready")


def shopper(n: int, bases: list[str], timeout: float) -> dict:
    """Add one unit on one instance, check out and pay on the other. Returns what happened."""
    first, second = bases[n % 2], bases[(n + 1) % 2]
    s = requests.Session()
    statuses: list[int] = []

    def get(url):
        r = s.get(url, timeout=timeout, allow_redirects=True)
        statuses.append(r.status_code)
        return r

    def post(url, data):
        r = s.post(url, data=data, timeout=timeout, allow_redirects=True)
        statuses.append(r.status_code)
        return r

    try:
        page = get(f"{first}/products/{SLUG}")
        variant = re.search(r'name="variant_id"[^>]*value="(\d+)"', page.text) or \
            re.search(r'value="(\d+)"[^>]*name="variant_id"', page.text)
        post(f"{first}/cart/add", {"variant_id": variant.group(1), "quantity": "1",
                                   "csrf_token": CSRF.search(page.text).group(1)})
        form = get(f"{second}/checkout")
        if "/checkout" not in form.url:       # the cart was empty or refused: no order
            return {"statuses": statuses, "paid": False}
        fields = {
            "csrf_token": CSRF.search(form.text).group(1),
            "email": f"shopper{n}@example.com", "full_name": f"Shopper {n}", "line1": "1 Bench Street",
            "city": "Portland", "region": "OR", "postal_code": "97201", "country": "US",
            "shipping_method": "standard", "acknowledge": "y",
            "disclaimer_id": re.search(r'name="disclaimer_id"[^>]*value="(\d+)"', form.text).group(1),
            "disclaimer_version": re.search(r'name="disclaimer_version"[^>]*value="(\d+)"', form.text).group(1),
        }
        placed = post(f"{second}/checkout", fields)
        match = re.search(r"/checkout/demo-pay/([\w-]+)", placed.url)
        if not match:
            return {"statuses": statuses, "paid": False}
        paid = post(f"{first}/checkout/demo-pay/{match.group(1)}",
                    {"action": "pay", "csrf_token": CSRF.search(placed.text).group(1)})
        return {"statuses": statuses, "paid": "/checkout/complete/" in paid.url}
    except Exception as exc:  # a failed request is a result, not a crash of the bench
        return {"statuses": statuses, "paid": False, "error": f"{type(exc).__name__}: {exc}"}


def report(url: str, units: int) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT id, on_hand, reserved FROM variants WHERE sku = 'BENCH-5'")).one()
            ledger = conn.execute(text(
                "SELECT COALESCE(SUM(on_hand_delta), 0), COALESCE(SUM(reserved_delta), 0) FROM stock_movements "
                "WHERE variant_id = :v"), {"v": row.id}).one()
            orders = conn.execute(text("SELECT payment_status, COUNT(*) FROM orders GROUP BY payment_status")).all()
            sold = conn.execute(text(
                "SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                "WHERE o.payment_status IN ('paid', 'partially_refunded', 'refunded')")).scalar()
    finally:
        engine.dispose()
    return {"on_hand": row.on_hand, "reserved": row.reserved, "ledger": tuple(ledger), "orders": dict(orders),
            "sold": int(sold), "oversold": max(0, int(sold) - units),
            "ledger_matches": tuple(ledger) == (row.on_hand, row.reserved) and row.on_hand >= 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=40)
    parser.add_argument("--units", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole run")
    args = parser.parse_args()
    started = time.monotonic()
    deadline = started + args.timeout

    name = f"kneadwell_bench_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    log_dir = Path(os.environ.get("BENCH_LOG_DIR", "/tmp")) / name
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = []
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        import redis
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()  # a bench-only Redis database (/15)
        prepare(url, args.units)
        secret = secrets.token_hex(32)
        bases = []
        for label in ("a", "b"):
            port = free_port()
            processes.append(start_instance(label, port, url, args.workers, secret, log_dir))
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_ready(base, min(deadline, time.monotonic() + 30))
        print(f"instances: {bases[0]} and {bases[1]}, {args.workers} gunicorn workers each, database {name}")

        run_started = time.monotonic()
        per_request = max(5.0, deadline - time.monotonic() - 5)
        with ThreadPoolExecutor(max_workers=args.shoppers) as pool:
            results = list(pool.map(lambda n: shopper(n, bases, per_request), range(args.shoppers)))
        elapsed = time.monotonic() - run_started

        statuses = [code for r in results for code in r["statuses"]]
        server_errors = sum(1 for code in statuses if code >= 500)
        failures = [r["error"] for r in results if "error" in r]
        state = report(url, args.units)
        print(f"shoppers: {args.shoppers} for {args.units} units, {len(statuses)} requests in {elapsed:.1f} s")
        print(f"paid checkouts seen by shoppers: {sum(r['paid'] for r in results)}")
        print(f"orders by state: {state['orders']}")
        print(f"units sold: {state['sold']}  oversold: {state['oversold']}")
        print(f"stock: on_hand={state['on_hand']} reserved={state['reserved']}; ledger sums={state['ledger']} "
              f"({'matches' if state['ledger_matches'] else 'DOES NOT MATCH'})")
        print(f"HTTP 5xx: {server_errors}  client errors (exceptions): {len(failures)}")
        for failure in failures[:5]:
            print("  ", failure)
        ok = state["oversold"] == 0 and server_errors == 0 and not failures and state["ledger_matches"]
        print("result:", "OK" if ok else "PROBLEM", f"(total {time.monotonic() - started:.1f} s; logs in {log_dir})")
        return 0 if ok else 1
    finally:
        for process, log in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())

"""The anonymous page cache (store/pagecache.py): served without queries, invalidated by every kind of change,
never for signed-in visitors or visitors with a cart, no CSRF token shared between visitors, ETag / 304.

Each test gets its own app with PAGE_CACHE on (the session's app keeps it off), on the session's database, and
runs once per storage: this process's memory, the SQLite file fallback and Redis (skipped when none answers)."""
from __future__ import annotations

import re
import secrets
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from config import TestingConfig
from store import create_app
from store.extensions import db as _db
from store.pagecache import CSRF_PLACEHOLDER, HEADER, Entry
from tests.factories import make_category, make_disclaimers, make_product

REDIS_URL = "redis://127.0.0.1:6379/13"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def _redis_up() -> bool:
    try:
        import redis
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture(params=["memory", "sqlite", "redis"])
def cached_app(request, app, database_url, job_queue, tmp_path):
    prefix = f"kneadwell-test-{secrets.token_hex(4)}:"
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("no Redis on 127.0.0.1:6379")
        url = REDIS_URL
    elif request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'page_cache.db'}"
    else:
        url = "memory://"
    cached = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, JOB_QUEUE_URL=job_queue[0],
                        JOB_QUEUE_NAME=job_queue[1], PAGE_CACHE="on", PAGE_CACHE_URL=url, PAGE_CACHE_PREFIX=prefix,
                        WTF_CSRF_ENABLED=True)
    yield cached
    with cached.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if request.param == "redis":
        import redis
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)


@contextmanager
def no_queries_allowed(app):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def shop(cached_app):
    """A product with two sizes (one nearly sold out), on a shelf, used by a published guide."""
    from tests.guides.helpers import make_guide
    with cached_app.app_context():
        make_disclaimers()
        shelf = make_category("Rollers", "rollers")
        product = make_product("Cedar Foot Roller", slug="cedar-foot-roller", category=shelf, featured=True,
                               variants=[{"label": "Small", "price_cents": 2450, "on_hand": 8, "sku": "CFR-S"},
                                         {"label": "Large", "price_cents": 2950, "on_hand": 2, "sku": "CFR-L"}])
        make_guide("Rolling the arch", slug="rolling-the-arch", products=[product])
        _db.session.commit()
        return {"product_id": product.id, "variant_ids": [v.id for v in product.variants]}


PAGES = ["/", "/products", "/products/cedar-foot-roller", "/guides", "/guides/rolling-the-arch",
         "/search?q=cedar"]


def warm(app, url):
    first = app.test_client().get(url)
    assert first.status_code == 200, url
    second = app.test_client().get(url)
    assert second.headers.get(HEADER) == "hit", f"{url}: {second.headers.get(HEADER)}"
    return second


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_is_served_without_queries(cached_app, shop, url):
    first = cached_app.test_client().get(url)
    assert first.status_code == 200 and first.headers[HEADER] == "miss"
    with no_queries_allowed(cached_app) as statements:
        second = cached_app.test_client().get(url)
    assert second.status_code == 200 and second.headers[HEADER] == "hit"
    assert statements == []
    assert TOKEN.sub("", first.get_data(as_text=True)) == TOKEN.sub("", second.get_data(as_text=True))
    assert CSRF_PLACEHOLDER not in second.get_data(as_text=True)


def _change_price(ids):
    from store.catalog.models import Variant
    _db.session.get(Variant, ids["variant_ids"][0]).price_cents = 1875
    _db.session.commit()


def _sell_out(ids):
    from store.catalog.models import Variant
    from store.inventory import services as inventory
    from store.inventory.models import MovementKind
    for variant_id in ids["variant_ids"]:
        on_hand = _db.session.get(Variant, variant_id).on_hand
        inventory.adjust(variant_id, -on_hand, MovementKind.COUNT, note="counted")
    _db.session.commit()


def _unpublish(ids):
    from store.catalog import services as catalog
    from store.catalog.models import Product
    catalog.set_status(_db.session.get(Product, ids["product_id"]), "draft")
    _db.session.commit()


def _new_disclaimer(ids):
    from store.safety.services import new_disclaimer_version
    new_disclaimer_version("product", "Before you start", "Revised text: warm up for two minutes first.")


def _edit_guide(ids):
    from store.guides.models import Guide
    guide = _db.session.scalar(select(Guide).where(Guide.slug == "rolling-the-arch"))
    guide.summary = "Revised: three slow passes under the arch."
    _db.session.commit()


def _edit_warnings(ids):
    from store.catalog.models import Product
    product = _db.session.get(Product, ids["product_id"])
    product.warnings = "Do not use over bruises.\nNot over varicose veins."
    _db.session.commit()


CHANGES = {
    # change, page, what the page shows before, and after
    "price": (_change_price, "/products/cedar-foot-roller", "$24.50", "$18.75"),
    "price on the list": (_change_price, "/products", "$24.50", "$18.75"),
    "stock": (_sell_out, "/products/cedar-foot-roller", "Add to cart", "out of stock"),
    "unpublish": (_unpublish, "/products", "Cedar Foot Roller", None),
    "disclaimer": (_new_disclaimer, "/products/cedar-foot-roller", None, "Revised text: warm up"),
    "warnings": (_edit_warnings, "/products/cedar-foot-roller", None, "Not over varicose veins."),
    "guide": (_edit_guide, "/guides", None, "Revised: three slow passes"),
    "guide page": (_edit_guide, "/guides/rolling-the-arch", None, "Revised: three slow passes"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_shows_at_once(cached_app, shop, change):
    apply, url, before, after = CHANGES[change]
    cached = warm(cached_app, url).get_data(as_text=True)
    if before:
        assert before in cached
    if after:
        assert after not in cached
    with cached_app.app_context():
        apply(shop)
    response = cached_app.test_client().get(url)
    assert response.headers[HEADER] == "miss"
    text = response.get_data(as_text=True)
    if after:
        assert after in text
    else:
        assert before not in text
    assert cached_app.test_client().get(url).headers[HEADER] == "hit"


def test_checkout_and_session_writes_keep_the_cache(cached_app, shop, make_user, login_as):
    """Tables no shop-front page shows (carts, sessions, users) leave the generation alone."""
    warm(cached_app, "/")
    store = cached_app.extensions["page_cache"]
    generation = store.fetch("x")[0]
    user = make_user()
    signed_in = cached_app.test_client()
    login_as(signed_in, user)
    signed_in.get("/")
    assert store.fetch("x")[0] == generation
    assert cached_app.test_client().get("/").headers[HEADER] == "hit"


def test_signed_in_visitors_never_get_or_make_a_cached_page(cached_app, shop, make_user, login_as):
    url = "/products/cedar-foot-roller"
    warm(cached_app, url)
    client = cached_app.test_client()
    login_as(client, make_user(email="robin@example.com"))
    for _ in range(2):
        response = client.get(url)
        assert HEADER not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert "Sign in" not in response.get_data(as_text=True)
        assert "Account" in response.get_data(as_text=True)
    with cached_app.app_context():
        _change_price(shop)  # a new generation: the signed-in render must not have been stored
    first = cached_app.test_client().get(url)
    assert first.headers[HEADER] == "miss" and "Sign in" in first.get_data(as_text=True)


def test_a_visitor_with_a_cart_never_gets_a_cached_page(cached_app, shop):
    url = "/products/cedar-foot-roller"
    page = warm(cached_app, url)
    visitor = cached_app.test_client()
    page = visitor.get(url)
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    added = visitor.post("/cart/add", data={"csrf_token": token, "variant_id": shop["variant_ids"][0],
                                            "quantity": 1, "next": url})
    assert added.status_code == 302  # the token a cached page carried was this visitor's own, and valid
    mine = visitor.get(url)
    assert HEADER not in mine.headers
    assert 'data-cart-count>1<' in mine.get_data(as_text=True)
    theirs = cached_app.test_client().get(url)
    assert theirs.headers[HEADER] == "hit"
    assert 'data-cart-count>0<' in theirs.get_data(as_text=True)


def test_no_csrf_token_or_personal_data_is_shared(cached_app, shop, make_user, login_as):
    url = "/products/cedar-foot-roller"
    signed_in = cached_app.test_client()
    login_as(signed_in, make_user(email="robin@example.com", name="Robin Private"))
    signed_in.get(url)
    a, b = cached_app.test_client(), cached_app.test_client()
    page_a, page_b = a.get(url), b.get(url)
    assert page_b.headers[HEADER] == "hit"
    token_a = set(TOKEN.findall(page_a.get_data(as_text=True)))
    token_b = set(TOKEN.findall(page_b.get_data(as_text=True)))
    assert len(token_a) == 1 and len(token_b) == 1 and token_a != token_b
    # each token is signed for its own visitor's session
    with cached_app.test_request_context():
        from flask_wtf.csrf import validate_csrf
        from flask import session
        for client, token in ((a, token_a.pop()), (b, token_b.pop())):
            with client.session_transaction() as stored:
                session["csrf_token"] = stored["csrf_token"]
            validate_csrf(token)
    for page in (page_a, page_b):
        text = page.get_data(as_text=True)
        assert "robin@example.com" not in text and "Robin Private" not in text and "Sign in" in text
        assert page.headers["Cache-Control"] == "private, no-cache"
    # what the storage keeps carries only the placeholder
    store = cached_app.extensions["page_cache"]
    kept = [Entry.unpack(raw) for raw in _stored(store)]
    assert kept and all(CSRF_PLACEHOLDER.encode() in e.body for e in kept)
    assert not any(t.encode() in e.body for e in kept for t in TOKEN.findall(page_a.get_data(as_text=True)))


def _stored(store):
    if hasattr(store, "_pages"):
        return [raw for _, raw in store._pages.values()]
    if hasattr(store, "client"):
        keys = [k for k in store.client.scan_iter(match=store.prefix + "*") if not k.endswith(b"generation")]
        return [store.client.get(k) for k in keys]
    return [row[0] for row in store._connect().execute("SELECT value FROM page_cache")]


def test_flashed_messages_are_never_cached(cached_app, shop):
    warm(cached_app, "/")
    client = cached_app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your message was sent.")]
    response = client.get("/")
    assert HEADER not in response.headers and "Your message was sent." in response.get_data(as_text=True)
    assert "Your message was sent." not in cached_app.test_client().get("/").get_data(as_text=True)


def test_etag_answers_304_until_a_change(cached_app, shop):
    url = "/products"
    client = cached_app.test_client()
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    with cached_app.app_context():
        _change_price(shop)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "$18.75" in changed.get_data(as_text=True)


def test_missing_pages_and_other_requests_are_not_stored(cached_app, shop):
    assert cached_app.test_client().get("/products/no-such-thing").status_code == 404
    assert HEADER not in cached_app.test_client().get("/products/no-such-thing").headers
    assert HEADER not in cached_app.test_client().get("/cart").headers
    assert HEADER not in cached_app.test_client().get("/search/suggest?q=ced").headers


def test_page_cache_off(client, app_ctx):
    make_disclaimers()
    _db.session.commit()
    assert HEADER not in client.get("/").headers
    assert "page_cache" not in client.application.extensions


def test_page_cache_clear_makes_every_page_stale(cached_app, shop):
    warm(cached_app, "/")
    result = cached_app.test_cli_runner().invoke(args=["page-cache-clear"])
    assert result.exit_code == 0 and "stale" in result.output
    assert cached_app.test_client().get("/").headers[HEADER] == "miss"


def test_redis_generation_never_goes_back(cached_app, shop):
    """Redis lost the generation key (eviction, a flush of that key): pages stored before are not served."""
    store = cached_app.extensions["page_cache"]
    if not hasattr(store, "client"):
        pytest.skip("Redis only")
    warm(cached_app, "/")
    store.client.delete(store.generation_key)
    assert cached_app.test_client().get("/").headers[HEADER] == "miss"
    store.client.delete(store.generation_key)
    store.bump()
    assert store.fetch("x")[0] > 10 ** 15


def test_production_without_shared_storage_caches_nothing(caplog):
    """Several instances are one shop: in production a host-local cache file is never used."""
    from flask import Flask
    from store import pagecache
    app = Flask(__name__)
    app.config.update(PAGE_CACHE="on", IS_PRODUCTION=True, PAGE_CACHE_URL="", REDIS_URL="")
    pagecache.init_app(app)
    assert "page_cache" not in app.extensions
    assert "neither PAGE_CACHE_URL nor REDIS_URL is set" in caplog.text

"""Issue 10, findings 1 and 7, written as the attacks: links never follow the Host header, other hosts are
refused, production needs an https STORE_URL, and an unset STORE_ENV is production (no development key)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config import ProductionConfig
from store import create_app
from tests.security.conftest import wait_for_mail

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
GOOD = dict(SECRET_KEY="b2f0c1e4d5a6978812345678abcdef0fedcba9876543210",
            SQLALCHEMY_DATABASE_URI="postgresql+psycopg://store@db.internal/kneadwell", DEMO_PAYMENTS=False,
            ALLOW_UNSAFE_PRODUCTION=False, STORE_URL="https://kneadwell.example")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "localhost.evil.example", "127.0.0.2"])
def test_reset_request_with_a_foreign_host_is_refused_and_sends_nothing(client, make_user, smtp_server, host):
    make_user("victim@example.com", PASSWORD)
    response = client.post("/account/reset", data={"email": "victim@example.com"}, headers={"Host": host})
    assert response.status_code == 400
    assert wait_for_mail(smtp_server, "victim@example.com", seconds=0.5) == []


def test_reset_link_is_on_store_url_whatever_the_host(client, make_user, smtp_server):
    """127.0.0.1 is trusted in tests (TRUSTED_HOSTS_EXTRA), yet the link is built on STORE_URL."""
    make_user("victim@example.com", PASSWORD)
    response = client.post("/account/reset", data={"email": "victim@example.com"},
                           headers={"Host": "127.0.0.1:8000", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 302
    [mail] = wait_for_mail(smtp_server, "victim@example.com")
    links = re.findall(r"https?://\S+", smtp_server.text_of(mail))
    assert links and all(link.startswith("http://localhost/account/reset/") for link in links)


def test_canonical_links_sitemap_and_robots_ignore_the_host(client, shop):
    headers = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": "evil.example"}
    home = client.get("/", headers=headers).get_data(as_text=True)
    assert '<link rel="canonical" href="http://localhost/">' in home
    product = client.get(f"/products/{shop.roller_slug}", headers=headers).get_data(as_text=True)
    assert f'href="http://localhost/products/{shop.roller_slug}"' in product and "127.0.0.1" not in product
    sitemap = client.get("/sitemap.xml", headers=headers).get_data(as_text=True)
    assert "<loc>http://localhost/" in sitemap and "127.0.0.1" not in sitemap and "evil" not in sitemap
    assert "Sitemap: http://localhost/sitemap.xml" in client.get("/robots.txt", headers=headers).get_data(as_text=True)


def test_every_page_refuses_a_foreign_host(client):
    for path in ("/", "/products", "/account/login", "/sitemap.xml"):
        assert client.get(path, headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:5000"}).status_code == 200  # port is not compared


def test_stripe_return_urls_are_on_store_url(app, client, shop, stripe_http):
    from tests.checkout.test_checkout_views import _form
    other = "http://127.0.0.1:9999"  # a trusted host (TRUSTED_HOSTS_EXTRA in tests) that is not STORE_URL's
    assert client.post("/cart/add", data={"variant_id": shop.roller, "quantity": 1}, base_url=other).status_code == 302
    stripe_http.queue(200, {"id": "cs_origin", "object": "checkout.session",
                            "url": "https://checkout.stripe.com/c/pay/cs_origin", "expires_at": 4102444800})
    response = client.post("/checkout", data=_form(app), base_url=other)
    assert response.status_code == 303
    form = stripe_http.requests[0]["form"]
    assert form["success_url"].startswith("http://localhost/checkout/complete/")
    assert form["cancel_url"].startswith("http://localhost/checkout/pay/")


# ---------------------------------------------------------------- production settings

def test_production_refuses_a_missing_or_plain_http_store_url():
    for url in ("", "http://kneadwell.example"):
        with pytest.raises(RuntimeError, match="STORE_URL") as info:
            create_app(ProductionConfig, **dict(GOOD, STORE_URL=url))
        assert "Refusing to start" in str(info.value)
    with pytest.raises(RuntimeError, match="STORE_URL must be the store's origin"):
        create_app(ProductionConfig, **dict(GOOD, STORE_URL="https://kneadwell.example/shop?x=1"))


def test_production_trusts_only_its_origin_and_sends_hsts():
    app = create_app(ProductionConfig, **dict(GOOD, SQLALCHEMY_DATABASE_URI="sqlite://", ALLOW_UNSAFE_PRODUCTION=True,
                                              TRUSTED_HOSTS_EXTRA=["www.kneadwell.example"]))
    assert app.config["TRUSTED_HOSTS"] == ["kneadwell.example", "www.kneadwell.example"]
    client = app.test_client()
    ok = client.get("/robots.txt", headers={"Host": "kneadwell.example"}, base_url="https://kneadwell.example")
    assert ok.status_code == 200
    assert ok.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Sitemap: https://kneadwell.example/sitemap.xml" in ok.get_data(as_text=True)
    assert client.get("/robots.txt", headers={"Host": "www.kneadwell.example"}).status_code == 200
    assert client.get("/robots.txt", headers={"Host": "evil.example"}).status_code == 400


def test_development_and_testing_send_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/robots.txt").headers


def _python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("STORE_ENV", "FLASK_ENV", "SECRET_KEY", "STORE_URL", "DATABASE_URL", "PORT",
                          "DEMO_PAYMENTS", "ALLOW_UNSAFE_PRODUCTION")}
    clean.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


def test_wsgi_with_store_env_unset_is_production_and_refuses_without_a_secret_key():
    result = _python("import wsgi")
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert "SECRET_KEY" in result.stderr and "STORE_URL" in result.stderr and "dev-only" not in result.stdout


def test_wsgi_refuses_the_development_key_in_production():
    result = _python("import wsgi", SECRET_KEY="dev-only-not-secret", STORE_URL="https://kneadwell.example",
                     DATABASE_URL="postgresql://store@db.internal/kneadwell")
    assert result.returncode != 0 and "SECRET_KEY is unset, the development default" in result.stderr


def test_development_is_chosen_explicitly_and_defaults_to_the_local_origin():
    result = _python("import wsgi; print(wsgi.app.config['STORE_URL'], wsgi.app.config['TRUSTED_HOSTS'], "
                     "wsgi.app.config['DEMO_PAYMENTS'])",
                     STORE_ENV="development", PORT="5050", DATABASE_URL="sqlite://")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http://127.0.0.1:5050", "['127.0.0.1',", "'localhost']", "True"]


def test_makefile_runs_the_demo_store_as_development():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^export STORE_ENV \?= development$", makefile, re.M)

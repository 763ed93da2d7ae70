"""Stylesheets and scripts are served under fingerprinted URLs that may be cached for a year."""
import hashlib
import re
from pathlib import Path

from tests.factories import make_disclaimers

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_pages_link_fingerprinted_assets_kept_a_year(client, db):
    make_disclaimers()
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/store\.css\?v=([0-9a-f]+))"', html)
    js = re.search(r'src="(/static/js/store\.js\?v=([0-9a-f]+))"', html)
    assert css and js
    assert css.group(2) == hashlib.sha256((STATIC / "css/store.css").read_bytes()).hexdigest()[:12]
    for url in (css.group(1), js.group(1)):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # an old or made-up version, or none, is not promised to last
    for url in ("/static/css/store.css", "/static/css/store.css?v=0123456789ab"):
        assert "immutable" not in (client.get(url).headers.get("Cache-Control") or "")
    # pictures keep plain URLs (feeds, JSON-LD and social cards name them)
    assert 'href="/static/img/favicon.svg"' in html

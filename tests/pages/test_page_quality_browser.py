"""Lighthouse-style audits in Chromium (Lighthouse itself is not installed: its SEO and best-practice checks
that apply to this store, written out), on home, list, product, guide and the policy pages: axe-core clean;
a title, a meta description, a canonical link on STORE_URL, lang, viewport and charset, indexable, crawlable
links, described pictures with their sizes, social-card tags, JSON-LD that parses; no console errors, no
failed requests, no JavaScript errors."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

PATHS = ["/", "/products", "/products/wooden-foot-roller", "/guides/self-massage-for-plantar-fasciitis",
         "/shipping", "/returns", "/privacy", "/terms", "/about", "/contact"]

AUDIT = """() => {
  const q = (s) => document.querySelector(s);
  const meta = (n) => { const el = q(`meta[name="${n}"]`) || q(`meta[property="${n}"]`); return el && el.content; };
  return {
    doctype: !!document.doctype && document.doctype.name === 'html',
    lang: document.documentElement.lang,
    charset: document.characterSet,
    viewport: meta('viewport'),
    title: document.title,
    description: meta('description'),
    robots: meta('robots'),
    canonical: (q('link[rel=canonical]') || {}).href,
    ogTitle: meta('og:title'), ogUrl: meta('og:url'), twitterCard: meta('twitter:card'),
    badLinks: [...document.querySelectorAll('a')].filter(a => !a.getAttribute('href') ||
        a.getAttribute('href').startsWith('javascript:')).map(a => a.outerHTML.slice(0, 120)),
    vagueLinks: [...document.querySelectorAll('a')].filter(a => ['click here', 'here', 'more', 'read more']
        .includes((a.textContent || '').trim().toLowerCase()) && !a.getAttribute('aria-label')).length,
    imagesWithoutAlt: [...document.images].filter(i => !i.hasAttribute('alt')).length,
    imagesWithoutSize: [...document.images].filter(i => i.closest('dialog') === null &&
        !(i.getAttribute('width') && i.getAttribute('height'))).map(i => i.src),
    jsonld: [...document.querySelectorAll('script[type="application/ld+json"]')].map(s => s.textContent),
    h1: document.querySelectorAll('h1').length,
  };
}"""


def test_pages_pass_lighthouse_style_audits(db, page, check_a11y):
    from store.demo import seed_all
    seed_all()
    console_errors, failed = [], []
    page.on("console", lambda m: console_errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for path in PATHS:
        page.goto(path)
        check_a11y(page, path)
        a = page.evaluate(AUDIT)
        assert a["doctype"] and a["lang"] == "en" and a["charset"] == "UTF-8", path
        assert a["viewport"] and "width=device-width" in a["viewport"], path
        assert a["title"].strip() and a["title"].endswith("Kneadwell"), (path, a["title"])
        assert a["description"] and len(a["description"].strip()) >= 20, (path, a["description"])
        assert not a["robots"] or "noindex" not in a["robots"], path
        assert a["canonical"] and a["canonical"].startswith(page.url.split(path, 1)[0] if path != "/" else page.url), path
        assert a["ogTitle"] and a["ogUrl"] == a["canonical"] and a["twitterCard"], path
        assert a["badLinks"] == [], (path, a["badLinks"])
        assert a["vagueLinks"] == 0, path
        assert a["imagesWithoutAlt"] == 0 and a["imagesWithoutSize"] == [], (path, a["imagesWithoutSize"])
        assert a["h1"] == 1, path
        for block in a["jsonld"]:
            assert json.loads(block)["@context"] == "https://schema.org", path
    assert console_errors == [] and failed == [] and page.js_errors == []

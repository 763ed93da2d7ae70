"""Admin-written guide content is untrusted: no payload from the corpus survives the renderer, and a
published guide full of payloads renders without anything executable (checked by parsing the HTML)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from store.guides import services
from store.guides.services import FAQData, GuideData, ReferenceData, StepData
from store.markup import ALLOWED_TAGS, render_markdown
from tests.factories import make_disclaimers, make_product
from tests.guides.xss_payloads import PAYLOADS

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "form", "meta", "base", "svg", "math", "link",
                  "frame", "frameset", "applet", "button", "input", "textarea", "select", "video", "audio",
                  "source", "details", "animate", "foreignobject", "noscript", "xmp", "template", "body", "html"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background", "poster",
                  "content", "style"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k.lower(): (v or "") for k, v in attrs}))

    handle_startendtag = handle_starttag


def parse(html: str) -> list[tuple[str, dict]]:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def signature(tag: str, attrs: dict) -> tuple:
    if tag in ("meta", "link"):  # canonical URL and description differ per page: compare attribute names
        return (tag, tuple(sorted((k, "" if k in ("href", "content") else v) for k, v in attrs.items())))
    return (tag, tuple(sorted(attrs.items())))


def forbidden_tags(tags: list[tuple[str, dict]]) -> list[tuple]:
    return sorted(signature(tag, attrs) for tag, attrs in tags if tag in FORBIDDEN_TAGS)


def dangerous(tags: list[tuple[str, dict]]) -> list[str]:
    """Executable attributes (event handlers, script URLs, style, srcdoc, formaction) in parsed tags."""
    problems = []
    for tag, attrs in tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"event handler {name}= on <{tag}>")
            if name in ("style", "srcdoc", "formaction"):
                problems.append(f"{name}= on <{tag}>")
            folded = _CONTROL.sub("", value).lower()
            if name in URL_ATTRIBUTES and folded.startswith(("javascript:", "vbscript:", "data:", "livescript:")):
                problems.append(f"{name}={value!r} on <{tag}>")
            if "javascript:" in folded or "vbscript:" in folded:
                problems.append(f"script URL in {name}= on <{tag}>")
    return problems


def test_corpus_is_big_enough():
    assert len(PAYLOADS) >= 30
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_renderer_neutralises_payload(payload):
    html = render_markdown(payload)
    assert "<script" not in html.lower()
    tags = parse(html)
    assert dangerous(tags) == []
    assert forbidden_tags(tags) == []
    assert {tag for tag, _ in tags} <= ALLOWED_TAGS
    # Nothing an event handler or URL could hide in: only the allow-listed attributes remain.
    for tag, attrs in tags:
        assert set(attrs) <= {"href", "title", "src", "alt", "width", "height", "scope", "start", "rel"}, (tag, attrs)


def test_renderer_keeps_ordinary_formatting():
    html = render_markdown("## Warm up\n\nUse **light** pressure, see [our guide](https://example.org/a) "
                           "and ![a roller](/static/img/products/foam-roller.svg).\n\n- one\n- two")
    assert "<h2>Warm up</h2>" in html and "<strong>light</strong>" in html and "<li>two</li>" in html
    assert '<a href="https://example.org/a" rel="noopener noreferrer nofollow">our guide</a>' in html
    assert '<img src="/static/img/products/foam-roller.svg" alt="a roller">' in html


def payload_guide_data(products) -> GuideData:
    """A guide with every payload in its Markdown fields and a few in its plain-text fields."""
    chunks = [PAYLOADS[i:i + 6] for i in range(0, len(PAYLOADS), 6)]
    return GuideData(
        slug="xss-corpus", title='Rolling <script>window.__xss=1</script> "guide" <img src=x onerror=window.__xss=1>',
        summary="Summary </title><script>window.__xss=1</script>",
        body="\n\n".join(PAYLOADS),
        clinician_note="\n\n".join(PAYLOADS[::2]),
        hero_image="img/guides/self-massage-for-plantar-fasciitis.svg",
        hero_alt='" onerror="window.__xss=1" x="',
        reviewed_by="<b onmouseover=window.__xss=1>Reviewer</b>",
        tags=["<svg onload=window.__xss=1>", "feet"],
        steps=[StepData(f"Step <img src=x onerror=window.__xss=1> {i}", "\n\n".join(chunk),
                        [products[i % len(products)].slug]) for i, chunk in enumerate(chunks)],
        faqs=[FAQData(f"Question <script>window.__xss={i}</script>?", "\n\n".join(chunk))
              for i, chunk in enumerate(chunks)],
        references=[ReferenceData('Citation <a href="javascript:window.__xss=1">x</a>', "24703512",
                                  "10.1016/j.foot.2014.03.005")],
        products=[p.slug for p in products],
    )


def test_published_guide_full_of_payloads_renders_nothing_executable(db, client):
    make_disclaimers()
    products = [make_product("Plain Roller <i>", slug="plain-roller"), make_product("Plain Ball", slug="plain-ball")]
    guide = services.save_guide(payload_guide_data(products), commit=False)
    services.publish(guide)

    for stored in [guide.body_html, guide.clinician_note_html] + [s.body_html for s in guide.steps] + \
            [f.answer_html for f in guide.faqs]:
        assert "<script" not in stored.lower() and dangerous(parse(stored)) == []
        assert forbidden_tags(parse(stored)) == []

    # A plain guide shows the page chrome's own tags (search form, logo svg, JSON-LD and store.js scripts);
    # the payload guide's page must have exactly those and nothing more.
    clean = GuideData(slug="clean", title="Clean", body="Text.", clinician_note="Stop if it hurts.",
                      hero_image="img/guides/self-massage-for-plantar-fasciitis.svg", hero_alt="A foot.",
                      reviewed_by="Reviewer", tags=["feet"], steps=[StepData("One", "Text.", ["plain-roller"])],
                      faqs=[FAQData("Q?", "A.")], references=[ReferenceData("C", "1", None)],
                      products=[p.slug for p in products])
    services.publish(services.save_guide(clean, commit=False))
    chrome = forbidden_tags(parse(client.get("/guides/clean").get_data(as_text=True)))
    assert ("script", (("type", "application/ld+json"),)) in chrome

    response = client.get("/guides/xss-corpus")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tags = parse(html)
    assert dangerous(tags) == []
    assert forbidden_tags(tags) == chrome
    # Plain-text fields are escaped, and the JSON-LD block cannot be closed early.
    assert "Rolling &lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    ld = html[html.index('<script type="application/ld+json">') + 35:]
    ld = ld[:ld.index("</script>")]
    assert "<" not in ld and json.loads(ld)["name"].startswith("Rolling <script>")

    # The same corpus on the list page, in search results and on the product page ("Learn how to use it").
    for url in ("/guides", "/search?q=rolling", "/products/plain-roller"):
        page = client.get(url).get_data(as_text=True)
        assert "xss-corpus" in page, url
        tags = parse(page)
        assert dangerous(tags) == [], url
        # The only scripts: the shop's own (the header's search combobox, then store.js).
        # (their URLs carry the file's fingerprint: ?v=<hash>)
        scripts = [dict(a, src=a.get("src", "").partition("?v=")[0]) for t, a in tags if t == "script"]
        assert scripts == [{"src": "/static/js/search-combobox.js", "defer": ""},
                           {"src": "/static/js/store.js", "defer": ""}] or \
            url.startswith("/products"), url

"""Guide pages as a customer sees them: list, topic filter, the guide page's sections, 404s,
the product page's "Learn how to use it", sitemap and search."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from store.guides.services import FAQData, ReferenceData, StepData
from store.safety.models import DisclaimerKind
from store.safety.services import new_disclaimer_version
from tests.factories import make_disclaimers, make_product
from tests.guides.helpers import make_guide


class Page(HTMLParser):
    """Collects links, sections by id, JSON-LD and head tags of a rendered page."""

    def __init__(self, html):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href = None
        self._text: list[str] = []
        self.jsonld: list[dict] = []
        self._in_jsonld = False
        self.meta: dict[str, str] = {}
        self.canonical = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self._href, self._text = a["href"], []
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True
        elif tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._text).split()), self._href))
            self._href = None
        elif tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)
        if self._in_jsonld:
            self.jsonld.append(json.loads(data))

    def href_of(self, text):
        return [h for t, h in self.links if t == text]


def _section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by heading_id."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start:html.index("</section>", start)]


def _setup_guide(db, **kwargs):
    make_disclaimers()
    roller = make_product("Kneadwell Archway Wooden Foot Roller", slug="wooden-foot-roller",
                          warnings="Use seated first.\nDo not use over broken skin.",
                          variants=[{"price_cents": 1400, "on_hand": 25}])
    oil = make_product("Kneadwell Plain Glide Carrier Oil", slug="unscented-carrier-oil", kind="oil",
                       warnings="Derived from coconut.\nPatch test first.",
                       variants=[{"price_cents": 1100, "on_hand": 2}, {"price_cents": 1900, "on_hand": 0}])
    splint = make_product("Kneadwell Nightrest Foot Splint", slug="plantar-night-splint",
                          warnings="Remove the splint if you feel numbness.",
                          variants=[{"price_cents": 3200, "on_hand": 0}])
    guide = make_guide(
        "Self-massage for sore heels", slug="sore-heels", tags=["plantar fasciitis", "feet"],
        body="The plantar fascia runs from **heel to toes**.",
        products=[roller, oil, splint],
        steps=[StepData("Warm the foot", "Soak for 5 to 10 minutes."),
               StepData("Roll the sole", "Roll from heel to toes.", [roller.slug]),
               StepData("Oil and long strokes", "Glide along the arch.", [oil.slug, roller.slug]),
               StepData("Ask about nights", "A splint can help some people.", [splint.slug])],
        faqs=[FAQData("How hard should I press?", "A comfortable **3 or 4** out of 10.")],
        references=[ReferenceData("Juchli L. 2021. Int J Ther Massage Bodywork 14(2):22-29.", "34079601", None),
                    ReferenceData("Alfuth M. 2024. J Man Manip Ther 32(5):548-556.", "38448397",
                                  "10.1080/10669817.2024.2325186")],
        clinician_note="Stop and see a doctor if you notice:\n\n- numbness or tingling\n- swelling after an injury",
        **kwargs)
    db.session.commit()
    return guide


def test_guide_page_shows_every_section(db, client):
    _setup_guide(db)
    response = client.get("/guides/sore-heels")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Page(html)

    assert "<h1 class=\"guide__title\">Self-massage for sore heels</h1>" in html
    assert 'alt="A foot resting on a roller."' in html
    assert "Reviewed by the test team" in html
    assert re.search(r"Published <time datetime=\"\d{4}-\d{2}-\d{2}\">", html)
    assert "1 min read" in html
    assert page.href_of("plantar fasciitis") == ["/guides?tag=plantar-fasciitis"]
    assert "<strong>heel to toes</strong>" in html

    steps = _section(html, "steps-heading")
    titles = re.findall(r'<span class="step__number">Step (\d)</span> ([^<]+)</h3>', steps)
    assert titles == [("1", "Warm the foot"), ("2", "Roll the sole"), ("3", "Oil and long strokes"),
                      ("4", "Ask about nights")]
    step3 = steps[steps.index('id="step-3"'):steps.index('id="step-4"')]
    assert "This step uses:" in step3
    assert Page(step3).links == [("Kneadwell Archway Wooden Foot Roller", "/products/wooden-foot-roller"),
                                 ("Kneadwell Plain Glide Carrier Oil", "/products/unscented-carrier-oil")]
    step1 = steps[steps.index('id="step-1"'):steps.index('id="step-2"')]
    assert "This step uses" not in step1

    tools = _section(html, "tools-heading")
    assert re.findall(r'data-product="([^"]+)"', tools) == ["wooden-foot-roller", "unscented-carrier-oil",
                                                            "plantar-night-splint"]
    assert "$14.00" in tools and "From $11.00" in tools and "$32.00" in tools
    assert "In stock" in tools and "Only 2 left" in tools and "Out of stock" in tools
    assert ("Kneadwell Nightrest Foot Splint", "/products/plantar-night-splint") in Page(tools).links
    # "Add the tools": a tick box per size; the first size in stock of each tool is ticked, sold-out sizes
    # (the oil's large bottle, the splint) cannot be ticked.
    chooser = tools[tools.index('class="add-tools"'):]
    assert 'action="/cart/add-many"' in chooser
    boxes = re.findall(r'<input type="checkbox" name="variant_id" value="(\d+)"( checked)?( disabled)?>', chooser)
    assert len(boxes) == 4
    assert [(bool(c), bool(d)) for _, c, d in boxes] == [(True, False), (True, False), (False, True), (False, True)]
    assert "Add the ticked tools to cart" in chooser

    faq = _section(html, "faq-heading")
    assert "How hard should I press?" in faq and "<strong>3 or 4</strong>" in faq

    refs = Page(_section(html, "refs-heading"))
    assert refs.href_of("PubMed 34079601") == ["https://pubmed.ncbi.nlm.nih.gov/34079601/"]
    assert refs.href_of("PubMed 38448397") == ["https://pubmed.ncbi.nlm.nih.gov/38448397/"]
    assert refs.href_of("doi:10.1080/10669817.2024.2325186") == ["https://doi.org/10.1080/10669817.2024.2325186"]
    assert "Juchli L. 2021" in _section(html, "refs-heading")

    clinician = _section(html, "clinician-heading")
    assert "When to stop and see a clinician" in clinician and "<li>numbness or tingling</li>" in clinician


def test_guide_page_shows_versioned_disclaimer_and_warnings_of_every_tool_used(db, client):
    _setup_guide(db)
    html = client.get("/guides/sore-heels").get_data(as_text=True)
    safety = html[html.index('<section id="safety"'):]
    safety = safety[:safety.index("</section>")]
    assert 'data-disclaimer-version="1"' in safety and 'data-disclaimer-kind="guide"' in safety
    assert "This guide is educational and not medical advice." in safety
    for warning in ("Use seated first.", "Derived from coconut.", "Remove the splint if you feel numbness."):
        assert warning in safety
    assert "Kneadwell Plain Glide Carrier Oil: warnings" in safety
    assert html.count('id="safety"') == 1

    new_disclaimer_version(DisclaimerKind.GUIDE, "Educational only", "Version two of the guide notice.")
    html = client.get("/guides/sore-heels").get_data(as_text=True)
    assert 'data-disclaimer-version="2"' in html and "Version two of the guide notice." in html


def test_guide_page_metadata_and_structured_data(db, client):
    _setup_guide(db)
    page = Page(client.get("/guides/sore-heels").get_data(as_text=True))
    assert page.canonical == "http://localhost/guides/sore-heels"
    assert page.meta["description"] == "What Self-massage for sore heels covers."
    data = page.jsonld[0]               # the HowTo, then the BreadcrumbList and the FAQPage
    assert [b["@type"] for b in page.jsonld] == ["HowTo", "BreadcrumbList", "FAQPage"]
    assert data["@type"] == "HowTo" and data["name"] == "Self-massage for sore heels"
    assert [s["name"] for s in data["step"]] == ["Warm the foot", "Roll the sole", "Oil and long strokes",
                                                  "Ask about nights"]
    assert data["step"][1]["url"] == "http://localhost/guides/sore-heels#step-2"
    assert [t["name"] for t in data["tool"]][0] == "Kneadwell Archway Wooden Foot Roller"
    assert data["image"].endswith("/static/img/guides/self-massage-for-plantar-fasciitis.svg")


def test_guide_without_steps_is_an_article(db, client):
    make_disclaimers()
    make_guide("Just reading", slug="just-reading", steps=[])
    db.session.commit()
    data = Page(client.get("/guides/just-reading").get_data(as_text=True)).jsonld[0]
    assert data["@type"] == "Article" and data["headline"] == "Just reading"


def test_draft_and_unknown_guides_are_friendly_404s(db, client):
    make_disclaimers()
    make_guide("Secret draft", slug="secret-draft", publish=False)
    db.session.commit()
    for url in ("/guides/secret-draft", "/guides/no-such-guide", "/guides/%3Cscript%3E"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "We could not find that guide" in html and "Secret draft" not in html


def test_guide_list_topic_filter_and_fallbacks(db, client):
    make_disclaimers()
    make_guide("Calf care", tags=["calves"])
    make_guide("Oil safety", tags=["massage oil"])
    make_guide("Hidden draft", tags=["calves"], publish=False)
    db.session.commit()

    html = client.get("/guides").get_data(as_text=True)
    page = Page(html)
    assert "2 guides" in html and "Calf care" in html and "Oil safety" in html and "Hidden draft" not in html
    assert page.href_of("calves") and page.href_of("massage oil")
    assert page.canonical == "http://localhost/guides"

    html = client.get("/guides?tag=calves").get_data(as_text=True)
    assert "1 guide about “calves”" in html and "Calf care" in html and "Oil safety" not in html
    assert Page(html).canonical == "http://localhost/guides?tag=calves"
    assert '<a class="tag" href="/guides?tag=calves" aria-current="page">calves</a>' in html

    # A NUL byte anywhere in a request is refused store-wide with a clear 400 (store/errors.py).
    assert client.get("/guides?tag=%00").status_code == 400
    for odd in ("?tag=nope", "?tag=", "?page=abc", "?page=-3"):
        response = client.get("/guides" + odd)
        assert response.status_code == 200, odd
        html = response.get_data(as_text=True)
        assert "2 guides" in html and "Calf care" in html and "Oil safety" in html, odd
    # A page past the last is not a page (issue 14): 404, not "page 99 of 1".
    assert client.get("/guides?tag=zz&page=99999999999").status_code == 404
    assert client.get("/guides?page=2").status_code == 404


def test_product_page_links_to_guides_that_use_it(db, client):
    _setup_guide(db)
    make_guide("Draft using the roller", products=[], steps=[StepData("x", "y", ["wooden-foot-roller"])],
               publish=False)
    db.session.commit()
    html = client.get("/products/wooden-foot-roller").get_data(as_text=True)
    learn = _section(html, "learn-heading")
    assert "Learn how to use it" in learn
    assert Page(learn).links == [("Self-massage for sore heels", "/guides/sore-heels")]
    other = make_product("Unrelated Cane", slug="unrelated-cane")
    db.session.commit()
    assert "Learn how to use it" not in client.get(f"/products/{other.slug}").get_data(as_text=True)


def test_sitemap_and_search_include_published_guides_only(db, client):
    _setup_guide(db)
    make_guide("Unpublished plantar notes", slug="unpublished-notes", publish=False)
    db.session.commit()
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>http://localhost/guides</loc>" in sitemap
    assert re.search(r"<loc>http://localhost/guides/sore-heels</loc><lastmod>\d{4}-\d{2}-\d{2}</lastmod>", sitemap)
    assert "unpublished-notes" not in sitemap

    html = client.get("/search?q=sore heels").get_data(as_text=True)
    assert ("Self-massage for sore heels", "/guides/sore-heels") in Page(html).links
    assert "search-result--guide" in html
    html = client.get("/search?q=plantar").get_data(as_text=True)
    assert "unpublished-notes" not in html


def test_add_all_tools_from_a_guide_fills_the_cart(db, client):
    _setup_guide(db)
    html = client.get("/guides/sore-heels").get_data(as_text=True)
    tools = _section(html, "tools-heading")
    variant_ids = re.findall(r'name="variant_id" value="(\d+)" checked', tools)   # what is ticked by default
    response = client.post("/cart/add-many", data={"variant_id": variant_ids})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")
    cart = client.get("/cart").get_data(as_text=True)
    assert "Kneadwell Archway Wooden Foot Roller" in cart
    assert "Kneadwell Plain Glide Carrier Oil" in cart
    assert "Kneadwell Nightrest Foot Splint" not in cart

"""A guide's "add the tools": the shopper picks items and sizes; a tool the guide says to ask a clinician about
is unticked by default with the reason shown; the ticked sizes go to the cart through the cart's own add-many.
References show title, journal and year."""
from __future__ import annotations

import re

from sqlalchemy import select

from store.cart.models import CartLine
from store.guides import services
from store.guides.models import GuideProduct
from store.guides.services import GuideData, GuideInvalid, ReferenceData, StepData
from tests.factories import make_disclaimers, make_product
from tests.admin.conftest import admin_client, admin_user  # noqa: F401  (a signed-in owner)
from tests.guides.helpers import make_guide

REASON = "Ask your clinician whether a night splint suits you before you buy one."


def _shop(db):
    make_disclaimers()
    roller = make_product("Chooser Roller", slug="chooser-roller", variants=[{"sku": "CR-1", "price_cents": 1400}])
    oil = make_product("Chooser Oil", slug="chooser-oil", kind="oil",
                       variants=[{"sku": "CO-100", "label": "100 ml", "price_cents": 1100, "on_hand": 5},
                                 {"sku": "CO-250", "label": "250 ml", "price_cents": 1900, "on_hand": 5}])
    splint = make_product("Chooser Splint", slug="chooser-splint", variants=[{"sku": "CS-1", "price_cents": 3200}])
    make_guide("Chooser guide", slug="chooser", products=[roller, oil, splint],
               ask_clinician={"chooser-splint": REASON},
               references=[ReferenceData("Ajimsha MS, et al. 2014. Foot (Edinb) 24(2):66-71.", "24703512", None,
                                         "Effectiveness of myofascial release in the management of plantar heel "
                                         "pain: a randomized controlled trial", "The Foot", 2014)])
    db.session.commit()
    return roller, oil, splint


def _chooser(html):
    start = html.index('class="add-tools"')
    return html[start:html.index("</form>", start)]


def _boxes(fieldset):
    return re.findall(r'<input type="checkbox" name="variant_id" value="(\d+)"( checked)?( disabled)?>', fieldset)


def _fieldset(chooser, slug):
    start = chooser.index(f'data-tool="{slug}"')
    return chooser[start:chooser.index("</fieldset>", start)]


def test_clinician_advised_tool_is_unticked_with_its_reason(client, db):
    roller, oil, splint = _shop(db)
    chooser = _chooser(client.get("/guides/chooser").get_data(as_text=True))
    roller_boxes = _boxes(_fieldset(chooser, "chooser-roller"))
    assert roller_boxes == [(str(roller.variants[0].id), " checked", "")]
    oil_set = _fieldset(chooser, "chooser-oil")
    assert "100 ml · $11.00" in oil_set and "250 ml · $19.00" in oil_set
    assert [(c, d) for _, c, d in _boxes(oil_set)] == [(" checked", ""), ("", "")]   # the first size, the other offered
    splint_set = _fieldset(chooser, "chooser-splint")
    assert [(c, d) for _, c, d in _boxes(splint_set)] == [("", "")]                   # unticked, but can be ticked
    assert "Not ticked: ask a clinician first." in splint_set and REASON in splint_set
    assert 'aria-describedby="advice-chooser-splint"' in splint_set


def test_the_ticked_items_and_sizes_go_to_the_cart(client, db):
    roller, oil, splint = _shop(db)
    # The shopper unticks the small oil and ticks the large one instead; leaves the splint unticked.
    chosen = [roller.variants[0].id, oil.variants[1].id]
    response = client.post("/cart/add-many", data={"variant_id": chosen})
    assert response.status_code == 302
    lines = {line.variant.sku: line.quantity for line in db.session.scalars(select(CartLine))}
    assert lines == {"CR-1": 1, "CO-250": 1}


def test_references_show_title_journal_and_year(client, db):
    _shop(db)
    html = client.get("/guides/chooser").get_data(as_text=True)
    refs = html[html.index('aria-labelledby="refs-heading"'):]
    refs = refs[:refs.index("</section>")]
    assert '<cite class="reference__title">Effectiveness of myofascial release in the management of plantar heel ' \
           'pain: a randomized controlled trial</cite>' in refs
    assert '<span class="reference__source">The Foot, 2014.</span>' in refs
    import json
    howto = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert howto["citation"][0]["@type"] == "ScholarlyArticle"
    assert howto["citation"][0]["isPartOf"]["name"] == "The Foot" and howto["citation"][0]["datePublished"] == "2014"


def test_advice_and_reference_fields_are_validated(db):
    make_disclaimers()
    roller = make_product("Valid Roller", slug="valid-roller")
    db.session.commit()
    base = dict(slug="v", title="V", body="b", clinician_note="c", products=["valid-roller"],
                steps=[StepData("s", "b", ["valid-roller"])])
    for bad, field in (({"ask_clinician": {"not-in-guide": "why"}}, "ask_clinician"),
                       ({"ask_clinician": {"valid-roller": "  "}}, "ask_clinician"),
                       ({"references": [ReferenceData("C", None, None, "T", "J", 3025)]}, "references")):
        try:
            services.save_guide(GuideData(**{**base, **bad}), commit=False)
        except GuideInvalid as exc:
            assert field in exc.errors, exc.errors
        else:
            raise AssertionError(f"{bad} was accepted")
        db.session.rollback()
    guide = services.save_guide(GuideData(**base, ask_clinician={"valid-roller": "Because."}), commit=False)
    link = db.session.scalar(select(GuideProduct).where(GuideProduct.guide_id == guide.id))
    assert link.ask_clinician and link.note == "Because."


def test_demo_plantar_guide_leaves_the_night_splint_unticked(client, db):
    from store.demo import seed_all
    seed_all()
    chooser = _chooser(client.get("/guides/self-massage-for-plantar-fasciitis").get_data(as_text=True))
    splint = _fieldset(chooser, "plantar-night-splint")
    assert "ask a clinician first" in splint and " checked" not in splint
    others = chooser.replace(splint, "")
    assert others.count(" checked") >= 5
    html = client.get("/guides/self-massage-for-plantar-fasciitis").get_data(as_text=True)
    assert '<span class="reference__source">The Foot, 2014.</span>' in html


def test_admin_edits_advice_and_reference_details(admin_client, db):
    roller, oil, splint = _shop(db)
    from store.guides.models import Guide
    guide = db.session.scalar(select(Guide).where(Guide.slug == "chooser"))
    form = admin_client.get(f"/admin/guides/{guide.id}").get_data(as_text=True)
    assert f"chooser-splint: {REASON}" in form and 'value="The Foot"' in form and 'value="2014"' in form


def test_admin_saves_advice_and_reference_details_from_the_form(admin_client, db):
    from store.guides.models import Guide
    from tests.admin.test_guides_admin import _form
    make_disclaimers()
    make_product("Wood Roller", slug="wood-roller")
    db.session.commit()
    response = admin_client.post("/admin/guides/new", data=_form(**{
        "references-0-title": "A study of feet", "references-0-journal": "Foot J", "references-0-year": "2020",
        "ask_clinician": "wood-roller: Ask first if you have diabetes."}))
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    guide = db.session.scalar(select(Guide).where(Guide.slug == "rolling-the-arch-of-the-foot"))
    ref = guide.references[0]
    assert (ref.title, ref.journal, ref.year) == ("A study of feet", "Foot J", 2020)
    assert [(l.product.slug, l.ask_clinician, l.note) for l in guide.product_links] == [
        ("wood-roller", True, "Ask first if you have diabetes.")]
    bad = admin_client.post("/admin/guides/new", data=_form(**{"slug": "other", "references-0-year": "twenty"}))
    assert bad.status_code == 400

"""Guide services: saving, rendering, reading time, publishing, listing and lookups."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store import search as search_index
from store.catalog.models import ProductStatus
from store.guides import services
from store.guides.models import Guide, GuideStatus, GuideStep, Tag
from store.guides.services import FAQData, GuideData, GuideInvalid, ListingQuery, NotPublishable, ReferenceData, StepData
from tests.factories import make_product
from tests.guides.helpers import make_guide


def test_publish_makes_guide_public_dated_and_searchable(db):
    roller = make_product("Arch Roller")
    guide = make_guide("Heel routine", products=[roller], publish=False)
    db.session.commit()
    assert guide.status == GuideStatus.DRAFT and guide.published_at is None
    assert services.get_published_guide(guide.slug) is None
    assert not any(h.doc_type == "guide" for h in search_index.search("heel routine"))

    services.publish(guide)
    assert guide.status == GuideStatus.PUBLISHED and guide.published_at is not None
    assert services.get_published_guide(guide.slug).id == guide.id
    assert [h.doc_id for h in search_index.search("heel routine") if h.doc_type == "guide"] == [guide.id]

    first_published = guide.published_at
    services.unpublish(guide)
    assert services.get_published_guide(guide.slug) is None
    assert not any(h.doc_type == "guide" for h in search_index.search("heel routine"))
    services.publish(guide)
    assert guide.published_at == first_published  # republishing keeps the original date


def test_guide_without_clinician_note_cannot_be_published(db):
    guide = make_guide("No note", clinician_note="", publish=False)
    with pytest.raises(NotPublishable, match="clinician"):
        services.publish(guide)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Guide.id)).where(Guide.status == "published")) == 0


def test_reading_time_counts_every_part_at_200_words_a_minute(db):
    words = lambda n: " ".join(["word"] * n)  # noqa: E731
    guide = make_guide("T", summary="S", body=words(350), steps=[StepData("A", words(100))],
                       faqs=[FAQData("Q", words(50))], clinician_note=words(100))
    # 350 + 100 + 50 + 100 + title/summary/step title/question (4) = 604 words -> 4 minutes
    assert guide.reading_minutes == 4
    short = make_guide("Short", body="Just a few words.", steps=[], faqs=[], clinician_note="Stop if it hurts.")
    assert short.reading_minutes == 1


def test_markdown_is_rendered_on_save_and_again_when_it_changes(db):
    guide = make_guide("Render", body="Use **light** pressure.", steps=[StepData("One", "Go *slowly*.")],
                       faqs=[FAQData("Q?", "A `thin` film.")], clinician_note="- numbness\n- swelling")
    db.session.commit()
    assert "<strong>light</strong>" in guide.body_html
    assert "<em>slowly</em>" in guide.steps[0].body_html
    assert "<code>thin</code>" in guide.faqs[0].answer_html
    assert "<li>numbness</li>" in guide.clinician_note_html

    # Editing the Markdown directly (as an admin form might) re-renders on flush: the cache can't go stale,
    # and hand-written HTML never bypasses the sanitiser.
    guide.body_md = "Now **firm** <script>alert(1)</script>"
    guide.steps[0].body_html = "<script>alert(2)</script>"
    db.session.commit()
    db.session.expire_all()
    guide = db.session.get(Guide, guide.id)
    assert "<strong>firm</strong>" in guide.body_html and "<script" not in guide.body_html
    assert guide.steps[0].body_html.strip() == "<p>Go <em>slowly</em>.</p>"


def test_invalid_data_is_rejected_and_nothing_is_written(db):
    make_product("Real Roller", slug="real-roller")
    db.session.commit()
    data = GuideData(slug="Bad Slug!", title=" ", body="x", clinician_note="x", hero_image="img/x.svg", hero_alt="",
                     steps=[StepData("", "x", ["no-such-product"])],
                     references=[ReferenceData("Cite", pmid="12ab", doi="11.1000/x"),
                                 ReferenceData("Cite 2", pmid="PMID: 123", doi="https://doi.org/10.1000/xyz")],
                     products=["real-roller", "ghost"])
    with pytest.raises(GuideInvalid) as info:
        services.save_guide(data)
    errors = info.value.errors
    assert set(errors) == {"slug", "title", "hero_alt", "steps", "references", "products"}
    assert "“ghost”" in errors["products"][0] and "“no-such-product”" in errors["products"][0]
    assert len(errors["references"]) == 2  # only the first reference is malformed
    db.session.rollback()
    assert db.session.scalar(select(func.count(Guide.id))) == 0
    assert db.session.scalar(select(func.count(Tag.id))) == 0


def test_references_are_normalised_and_linked(db):
    guide = make_guide("Refs", references=[ReferenceData("Paper", pmid=" PMID: 34079601 ",
                                                         doi="https://doi.org/10.1080/10669817.2024.2325186")])
    ref = guide.references[0]
    assert (ref.pmid, ref.doi) == ("34079601", "10.1080/10669817.2024.2325186")
    assert ref.pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/34079601/"
    assert ref.doi_url == "https://doi.org/10.1080/10669817.2024.2325186"
    # Rows written around the service (bad data in the database) never become links.
    ref.pmid, ref.doi = "123\n", 'javascript:alert(1)//10.1000/x'
    assert ref.pubmed_url is None and ref.doi_url is None


def test_slug_must_be_unique(db):
    make_guide("One", slug="same-slug")
    with pytest.raises(GuideInvalid, match="already uses"):
        make_guide("Two", slug="same-slug")


def test_tags_are_shared_and_filter_the_listing(db):
    a = make_guide("Calf guide", tags=["Calves", "feet"])
    b = make_guide("Foot guide", tags=["Feet"])
    make_guide("Draft calf guide", tags=["calves"], publish=False)
    make_guide("Oil guide", tags=["Massage oil"])
    db.session.commit()
    assert db.session.scalar(select(func.count(Tag.id))) == 3  # "Feet" and "feet" are one topic

    topics = services.topics()
    assert [t.slug for t in topics] == ["calves", "feet", "massage-oil"]
    calves = services.list_guides(services.parse_listing_args({"tag": "calves"}, topics))
    assert [g.title for g in calves.items] == ["Calf guide"]
    feet = services.list_guides(services.parse_listing_args({"tag": "feet"}, topics))
    assert {g.id for g in feet.items} == {a.id, b.id}
    assert [g.title for g in services.published_guides("calves")] == ["Calf guide"]

    fallback = services.parse_listing_args({"tag": "no-such-topic", "page": "abc"}, topics)
    assert fallback == ListingQuery(tag=None, page=1)
    assert services.list_guides(fallback).total == 3  # drafts never listed
    assert services.parse_listing_args({"page": "-4"}, topics).page == 1


def test_guides_for_product_finds_tool_lists_and_steps_in_one_query(db, count_queries):
    roller, ball, oil = make_product("Roller"), make_product("Ball"), make_product("Oil", kind="oil")
    listed = make_guide("Listed", products=[roller])
    step_only = make_guide("Step only", products=[ball],
                           steps=[StepData("Roll", "Roll it.", [roller.slug])])
    make_guide("Draft", products=[roller], publish=False)
    make_guide("Other", products=[oil])
    db.session.commit()
    roller_id, oil_id = roller.id, oil.id
    with count_queries() as counter:
        found = services.guides_for_product(roller_id)
    assert counter.count == 1
    assert {g.title for g in found} == {"Listed", "Step only"}
    assert {g.id for g in found} == {listed.id, step_only.id}
    assert services.guides_for_product(oil_id)[0].title == "Other"


def test_tools_used_list_follows_guide_order_and_skips_inactive_products(db):
    a, b, c = make_product("A tool"), make_product("B tool"), make_product("C tool")
    guide = make_guide("Order", products=[b, a], steps=[StepData("x", "y", [c.slug, a.slug])])
    db.session.commit()
    loaded = services.get_published_guide(guide.slug)
    assert [p.name for p in services.products_used(loaded)] == ["B tool", "A tool", "C tool"]
    b.status = ProductStatus.ARCHIVED
    db.session.commit()
    assert [p.name for p in services.products_used(services.get_published_guide(guide.slug))] == ["A tool", "C tool"]


def test_default_variant_is_first_active_in_stock(db):
    product = make_product("Oil", variants=[{"price_cents": 900, "on_hand": 0}, {"price_cents": 1500, "on_hand": 4},
                                            {"price_cents": 2000, "on_hand": 9}])
    assert services.default_variant(product).price_cents == 1500
    sold_out = make_product("Gone", variants=[{"price_cents": 900, "on_hand": 0}])
    assert services.default_variant(sold_out) is None


def test_seeder_creates_four_published_demo_guides_once(db):
    from store.demo import seed_all

    counts = seed_all()
    assert counts["guides"] == 4
    assert seed_all()["guides"] == 0
    guides = services.published_guides()
    assert len(guides) == 4
    plantar = services.get_published_guide("self-massage-for-plantar-fasciitis")
    assert [r.pmid for r in plantar.references] == ["34079601", "24703512", "38448397"]
    assert "wooden-foot-roller" in [p.slug for p in plantar.steps[1].products]
    assert plantar.hero_image == "img/guides/self-massage-for-plantar-fasciitis.svg"
    assert all(g.clinician_note_html and g.steps and g.faqs and g.references for g in guides)
    needling = services.get_published_guide("dry-needling-explained-and-home-care")
    assert "never" in needling.body_html
    assert db.session.scalar(select(func.count(GuideStep.id))) == sum(len(g.steps) for g in guides)


def test_saving_a_guide_again_with_the_same_products_keeps_its_links(db):
    """Re-saving with an unchanged product list must not trip the (guide, product) unique constraint."""
    from sqlalchemy import select

    from store.guides.models import GuideProduct
    from store.guides.services import GuideData, save_guide
    from tests.factories import make_disclaimers, make_product

    make_disclaimers()
    roller = make_product("Keep Roller", slug="keep-roller")
    oil = make_product("Keep Oil", slug="keep-oil", kind="oil")
    data = GuideData(slug="keep-links", title="Keep links", summary="s", body="b", products=[roller.slug, oil.slug])
    guide = save_guide(data)
    guide = save_guide(GuideData(slug="keep-links", title="Keep links, edited", summary="s", body="b",
                                 products=[oil.slug, roller.slug]), guide)
    links = db.session.scalars(select(GuideProduct).where(GuideProduct.guide_id == guide.id)
                               .order_by(GuideProduct.position)).all()
    assert [link.product_id for link in links] == [oil.id, roller.id]
    assert guide.title == "Keep links, edited"


def test_published_guide_reads_what_the_models_hold(db):
    """The page's read model (store/guides/page.py) carries the same content as the ORM guide, in the models'
    orders, with each product as a card that has its warnings and sizes; a product no longer for sale is left
    out of its step and its "tools used" link."""
    from store.catalog.models import Product

    oil = make_product("Zesty oil", variants=[{"price_cents": 900, "on_hand": 0, "label": "30 ml"},
                                              {"price_cents": 1500, "on_hand": 4, "label": "100 ml"}])
    roller = make_product("Arch roller")
    gone = make_product("Gone ball")
    guide = make_guide("Read model", products=[oil, roller, gone], tags=["heel", "arch"],
                       steps=[StepData("First", "Roll *slowly*.", [oil.slug, roller.slug, gone.slug]),
                              StepData("Second", "Rest.")],
                       faqs=[FAQData("How long?", "Two minutes."), FAQData("Does it hurt?", "It should not.")],
                       references=[ReferenceData("Citation one.", "24703512", "10.1016/j.foot.2014.03.005",
                                                 title="A title", journal="Foot", year=2014),
                                   ReferenceData("Citation two.")],
                       ask_clinician={gone.slug: "Ask first."})
    db.session.commit()
    gone.status = ProductStatus.ARCHIVED
    db.session.commit()
    model = db.session.get(Guide, guide.id)
    view = services.get_published_guide(guide.slug)

    for name in ("id", "slug", "title", "summary", "body_html", "clinician_note_html", "hero_image", "hero_alt",
                 "reading_minutes", "reviewed_by", "published_at", "updated_at"):
        assert getattr(view, name) == getattr(model, name), name
    assert [(t.slug, t.name) for t in view.tags] == [(t.slug, t.name) for t in model.tags] == [("arch", "arch"),
                                                                                                 ("heel", "heel")]
    assert [(s.title, s.body_html) for s in view.steps] == [(s.title, s.body_html) for s in model.steps]
    # each step's products by name, as GuideStep.products orders them, without the archived one
    assert [p.slug for p in view.steps[0].products] == [roller.slug, oil.slug]
    assert [p.slug for p in model.steps[0].products] == [roller.slug, gone.slug, oil.slug]
    assert view.steps[1].products == []
    assert [(f.question, f.answer_html) for f in view.faqs] == [(f.question, f.answer_html) for f in model.faqs]
    assert [(r.citation, r.pmid, r.doi, r.title, r.journal, r.year, r.pubmed_url, r.doi_url)
            for r in view.references] == [(r.citation, r.pmid, r.doi, r.title, r.journal, r.year, r.pubmed_url,
                                           r.doi_url) for r in model.references]
    assert view.references[0].pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/24703512/"
    assert view.references[1].pubmed_url is None and view.references[1].doi_url is None
    assert [(link.product_id, link.note, link.ask_clinician) for link in view.product_links] == [
        (link.product_id, link.note, link.ask_clinician) for link in model.product_links]
    assert [link.product.slug if link.product else None for link in view.product_links] == [
        oil.slug, roller.slug, None]

    products = services.products_used(view)
    assert [p.slug for p in products] == [oil.slug, roller.slug]
    card = products[0]
    assert card.warning_list == db.session.get(Product, oil.id).warning_list != []
    assert [(v.option_label, v.price_cents) for v in card.variants] == [("30 ml", 900), ("100 ml", 1500)]
    choice = services.tool_choices(view, products)[0]
    assert choice.default_variant_id == card.variants[1].id  # the first size in stock

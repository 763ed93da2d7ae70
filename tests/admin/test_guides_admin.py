"""Guides in the back office: create with steps/FAQs/references/products, preview, claims warnings (not
blocking), reference validation, optimistic locking, publish/unpublish, audit."""
from __future__ import annotations

from sqlalchemy import select

from store.guides.models import Guide
from tests.admin.conftest import audit_rows
from tests.factories import make_disclaimers, make_product


def _form(**overrides):
    data = {"title": "Rolling the arch of the foot", "slug": "", "summary": "A short routine for tired feet.",
            "body": "Start **gently** and keep the pressure low.", "clinician_note": "Stop if pain is sharp.",
            "hero_image": "", "hero_alt": "", "reviewed_by": "", "tags": "Feet, Routines",
            "steps-0-title": "Warm up", "steps-0-body": "Walk for a minute.", "steps-0-products": "",
            "steps-1-title": "Roll", "steps-1-body": "Roll from heel to toes.", "steps-1-products": "wood-roller",
            "steps-2-title": "", "steps-2-body": "",
            "faqs-0-question": "How often?", "faqs-0-answer": "Once a day is plenty.",
            "references-0-citation": "Author A. A study of feet. Foot J. 2020.", "references-0-pmid": "34079601",
            "references-0-doi": "10.1016/j.foot.2014.03.005",
            "products": ["wood-roller"], "save": "Save guide"}
    data.update(overrides)
    return data


def test_create_guide_with_everything_then_publish_and_unpublish(app, db, admin_client):
    make_disclaimers()
    make_product("Wood Roller", slug="wood-roller")
    db.session.commit()
    response = admin_client.post("/admin/guides/new", data=_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    guide = db.session.scalar(select(Guide).where(Guide.slug == "rolling-the-arch-of-the-foot"))
    assert [s.title for s in guide.steps] == ["Warm up", "Roll"]
    assert [p.slug for p in guide.steps[1].products] == ["wood-roller"]
    assert guide.references[0].pmid == "34079601" and guide.faqs[0].question == "How often?"
    assert guide.product_links[0].product.slug == "wood-roller" and guide.status == "draft"
    assert "<strong>gently</strong>" in guide.body_html
    assert audit_rows(db, "guide.create")[0].changes["title"] == [None, "Rolling the arch of the foot"]
    admin_client.post(f"/admin/guides/{guide.id}/publish", data={"action": "publish"})
    assert admin_client.get("/guides/rolling-the-arch-of-the-foot").status_code == 200
    admin_client.post(f"/admin/guides/{guide.id}/publish", data={"action": "unpublish"})
    assert admin_client.get("/guides/rolling-the-arch-of-the-foot").status_code == 404
    assert [e.changes["status"] for e in audit_rows(db) if e.action.startswith("guide.") and "publish" in e.action] \
        == [["draft", "published"], ["published", "draft"]]


def test_bad_pmid_and_doi_are_refused_with_messages(app, db, admin_client):
    make_disclaimers()
    make_product("Wood Roller", slug="wood-roller")
    db.session.commit()
    response = admin_client.post("/admin/guides/new", data=_form(**{"references-0-pmid": "PM123x",
                                                                    "references-0-doi": "not-a-doi"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "a PubMed ID is digits only" in html and "a DOI looks like 10." in html
    assert db.session.scalar(select(Guide.id)) is None


def test_claims_in_a_guide_are_warnings_not_blockers(app, db, admin_client):
    make_disclaimers()
    make_product("Wood Roller", slug="wood-roller")
    db.session.commit()
    data = _form(body="Some say rolling cures plantar pain; the evidence is mixed.")
    preview = admin_client.post("/admin/guides/new", data=dict(data, save="", preview="Preview"))
    html = preview.get_data(as_text=True)
    assert "Claims check (warning)" in html and "<mark>cures plantar pain</mark>" in html and "data-preview" in html
    response = admin_client.post("/admin/guides/new", data=data)
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<mark>cures plantar pain</mark>" in page
    assert audit_rows(db, "guide.create")[0].changes["claims_flags"] == [None, ["cures plantar pain"]]


def test_stale_guide_edit_is_refused(app, db, admin_client):
    make_disclaimers()
    make_product("Wood Roller", slug="wood-roller")
    db.session.commit()
    admin_client.post("/admin/guides/new", data=_form())
    guide = db.session.scalar(select(Guide))
    version = guide.version
    assert admin_client.post(f"/admin/guides/{guide.id}", data=_form(version=str(version),
                                                                     summary="First edit.")).status_code == 302
    response = admin_client.post(f"/admin/guides/{guide.id}", data=_form(version=str(version), summary="Second."))
    assert response.status_code == 409 and "changed by someone else" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).summary == "First edit."

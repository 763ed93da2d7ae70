"""Guide copy goes through the claims screen too: titles, bodies, steps and FAQs. A draft may hold flagged copy
(a warning); publishing it, or editing a published guide into a claim, needs an override with evidence."""
from __future__ import annotations

from sqlalchemy import select

from store.guides.models import Guide
from store.safety.models import ClaimOverride
from tests.admin.conftest import audit_rows
from tests.admin.test_guides_admin import _form
from tests.factories import make_disclaimers, make_product

CLAIM_STEP = "Rolling the ball under the foot eases plantar fasciitis."


def _new_guide(admin_client, db, **overrides):
    make_disclaimers()
    make_product("Wood Roller", slug="wood-roller")
    db.session.commit()
    assert admin_client.post("/admin/guides/new", data=_form(**overrides)).status_code == 302
    return db.session.scalar(select(Guide))


def test_publishing_a_flagged_guide_needs_an_override_with_evidence(app, db, admin_client):
    guide = _new_guide(admin_client, db, **{"steps-1-body": CLAIM_STEP})
    page = admin_client.get(f"/admin/guides/{guide.id}").get_data(as_text=True)
    assert "<mark>eases plantar fasciitis</mark>" in page and "Step 2" in page and 'data-rule="condition-outcome"' in page

    response = admin_client.post(f"/admin/guides/{guide.id}/publish", data={"action": "publish"})
    assert "makes health or regulatory claims" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).status == "draft"

    admin_client.post(f"/admin/guides/{guide.id}/publish", data={
        "action": "publish", "claims_override": "y", "claims_reason": "Quoted from the trial", "claims_evidence": "nope"})
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).status == "draft"

    admin_client.post(f"/admin/guides/{guide.id}/publish", data={
        "action": "publish", "claims_override": "y", "claims_reason": "Quoted from the trial",
        "claims_evidence": "https://pubmed.ncbi.nlm.nih.gov/34079601/"})
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).status == "published"
    override = db.session.scalar(select(ClaimOverride))
    assert (override.object_type, override.field, override.evidence_url) == (
        "guide", "step 2", "https://pubmed.ncbi.nlm.nih.gov/34079601/")
    entry = audit_rows(db, "guide.publish")[-1]
    assert entry.reason == "Quoted from the trial"
    assert entry.changes["claims_override"] == [None, ["eases plantar fasciitis"]]


def test_a_published_guide_cannot_be_edited_into_a_claim_without_an_override(app, db, admin_client):
    guide = _new_guide(admin_client, db)
    admin_client.post(f"/admin/guides/{guide.id}/publish", data={"action": "publish"})
    db.session.expire_all()
    guide = db.session.get(Guide, guide.id)
    assert guide.status == "published"
    edit = _form(**{"version": str(guide.version), "slug": guide.slug, "faqs-0-answer": "Our oil reduces inflammation."})
    response = admin_client.post(f"/admin/guides/{guide.id}", data=edit)
    assert response.status_code == 400 and "makes health or regulatory claims" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).faqs[0].answer_md == "Once a day is plenty."
    edit.update(claims_override="y", claims_reason="Cited trial", claims_evidence="10.1016/j.foot.2014.03.005")
    assert admin_client.post(f"/admin/guides/{guide.id}", data=edit).status_code == 302
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).faqs[0].answer_md == "Our oil reduces inflammation."
    assert audit_rows(db, "guide.update")[-1].changes["claims_evidence"] == [
        None, "https://doi.org/10.1016/j.foot.2014.03.005"]

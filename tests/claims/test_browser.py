"""Real Chromium on the live server: the owner writes a claim into a product, sees it flagged with the rule and
the reason, overrides it with evidence, and finds the override in the audit log and the overrides list; then
adds a condition to the lexicon and sees the screen use it. A shopper reports a problem with an oil from its
product page and gets a confirmation email."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from store.catalog import services as catalog
from store.extensions import db as _db
from store.safety.models import ProblemReport
from tests.factories import make_disclaimers, make_product

pytestmark = pytest.mark.browser

CLAIM = "Eases plantar fasciitis and is FDA approved."


def _sign_in(page, email, password):
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_owner_overrides_a_flagged_claim_with_evidence_and_finds_it_in_the_audit_log(
        app, page, make_user, check_a11y, screenshot_dir):
    with app.app_context():
        make_disclaimers()
        product = make_product("Beech Arch Roller", summary="A ridged beech roller for the arch.")
        _db.session.commit()
        product_id = product.id
    make_user("owner@example.com", password="a long admin password", role="owner", name="Olive Owner")
    _sign_in(page, "owner@example.com", "a long admin password")

    page.goto(f"/admin/products/{product_id}")
    page.get_by_label("Summary").fill(CLAIM)
    page.get_by_role("button", name="Save product").click()
    findings = page.locator("[data-claims] li")
    assert findings.count() == 2
    first = findings.nth(0).inner_text()
    assert "Eases plantar fasciitis" in first and "condition-outcome" in first
    assert "competent and reliable scientific evidence" in first
    assert "FDA approved" in findings.nth(1).inner_text() and "regulatory" in findings.nth(1).inner_text()
    assert page.get_by_text("Reword it, or override with a reason and an evidence link").is_visible()
    check_a11y(page, "product form with claims flagged")
    page.screenshot(path=str(screenshot_dir / "claims-flagged.png"), full_page=True)

    # Override without evidence: refused, nothing saved.
    page.get_by_label("Keep this wording anyway").check()
    page.get_by_label("Reason for the override").fill("Wording from the cited trial, approved by counsel")
    page.get_by_role("button", name="Save product").click()
    assert page.get_by_text("Give the evidence: a PubMed link or ID, or a DOI.").is_visible()

    page.get_by_label("Keep this wording anyway").check()
    page.get_by_label("Reason for the override").fill("Wording from the cited trial, approved by counsel")
    page.get_by_label("Evidence (PubMed or DOI link)").fill("PMID: 34079601")
    page.get_by_role("button", name="Save product").click()
    assert page.get_by_text("Product saved.").is_visible()
    assert page.get_by_label("Summary").input_value() == CLAIM

    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Audit log").click()
    row = page.locator("tr", has_text="product.update").first
    text = row.inner_text()
    assert "Wording from the cited trial, approved by counsel" in text
    assert "claims_evidence" in text and "https://pubmed.ncbi.nlm.nih.gov/34079601/" in text
    assert "eases plantar fasciitis" in text
    page.screenshot(path=str(screenshot_dir / "claims-audit-log.png"), full_page=True)

    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Claims").click()
    page.get_by_role("link", name="Overrides with evidence").click()
    overrides = page.locator("[data-overrides] tbody tr")
    assert overrides.count() == 1
    assert "summary" in overrides.first.inner_text() and "34079601" in overrides.first.inner_text()
    check_a11y(page, "claims overrides")

    # The owner extends the lexicon; the try-it screen uses it at once.
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Claims").click()
    page.get_by_label("Word or phrase").fill("knotty calves")
    page.get_by_label("Note (why you flag it)").fill("Our own wording for a condition")
    page.get_by_role("button", name="Add to the lexicon").click()
    assert page.get_by_text("“knotty calves” added").is_visible()
    page.get_by_label("Copy to check").fill("Soothes knotty calves after a long run.")
    page.get_by_role("button", name="Check", exact=True).click()
    assert "Soothes knotty calves" in page.locator("[data-claims]").inner_text()
    check_a11y(page, "claims lexicon")
    page.screenshot(path=str(screenshot_dir / "claims-lexicon.png"), full_page=True)


def test_a_shopper_reports_a_problem_from_the_product_page(app, page, smtp_server, outbox_worker, check_a11y,
                                                           screenshot_dir):
    with app.app_context():
        make_disclaimers()
        catalog.ensure_allergens()
        make_product("Almond Glide Oil", slug="almond-glide", kind="oil",
                     warnings="For external use only.\nContains tree nut oil. Do not use with a nut allergy.",
                     ingredients=[("Prunus Amygdalus Dulcis Oil", "Sweet almond oil", None),
                                  ("Tocopherol", "Vitamin E", None)])
        _db.session.commit()
    page.goto("/products/almond-glide")
    assert page.locator("#ingredients").get_by_text("Prunus Amygdalus Dulcis Oil").is_visible()
    assert "Tree nuts" in page.locator("[data-allergens]").inner_text()
    page.screenshot(path=str(screenshot_dir / "product-ingredients.png"), full_page=True)
    page.get_by_role("link", name="Report a problem").click()
    assert page.get_by_label("Which product").input_value() != "0"
    page.get_by_label("What happened").fill("My forearm went red and itchy an hour after the patch test.")
    page.get_by_label("Batch or lot number").fill("LOT 24-117")
    page.get_by_label("Your email").fill("rae@example.com")
    check_a11y(page, "problem report form")
    page.get_by_role("button", name="Send the report").click()
    assert page.get_by_text("Thank you. Your report").is_visible()
    page.screenshot(path=str(screenshot_dir / "problem-report-sent.png"), full_page=True)
    with app.app_context():
        report = _db.session.scalar(select(ProblemReport))
        assert report.product_name == "Almond Glide Oil" and report.batch_lot == "LOT 24-117"
        reference = report.reference
    outbox_worker.drain()
    message = smtp_server.messages[-1]
    assert message["To"] == "rae@example.com" and reference in message["Subject"]

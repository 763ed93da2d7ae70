"""The claims screen: a corpus of this shop's own kind of copy (claims and honest sentences), the rules one by
one, denials, the owner's lexicon (rows in the database), and the demo data passing the screen."""
from __future__ import annotations

import pytest

from store import claims
from store.catalog.demo_data import CATEGORIES, PRODUCTS
from store.guides.demo_data import GUIDES
from store.safety import screening
from tests.claims.corpus import CLAIMS, HONEST


def test_corpus_recall_and_false_alarm_rate(capsys):
    assert len(CLAIMS) >= 40 and len(HONEST) >= 40
    missed = [(c, s) for c, s in CLAIMS if not claims.screen(s, c)]
    false_alarms = [(c, s, [f.phrase for f in claims.screen(s, c)]) for c, s in HONEST if claims.screen(s, c)]
    recall = 1 - len(missed) / len(CLAIMS)
    false_alarm_rate = len(false_alarms) / len(HONEST)
    with capsys.disabled():
        print(f"\nclaims screen: recall {recall:.1%} over {len(CLAIMS)} claims, "
              f"false alarms {false_alarm_rate:.1%} over {len(HONEST)} honest sentences")
    assert not missed, missed
    assert not false_alarms, false_alarms


@pytest.mark.parametrize("text, phrase, rule", [
    ("Eases plantar fasciitis.", "Eases plantar fasciitis", "condition-outcome"),
    ("Real relief from heel pain.", "relief from heel pain", "condition-outcome"),
    ("Plantar fasciitis relief on the go.", "Plantar fasciitis relief", "condition-outcome"),
    ("Heel pain is eased in days.", "Heel pain is eased", "condition-outcome"),
    ("An oil for muscle pain.", "for muscle pain", "intended-use"),
    ("FDA approved.", "FDA approved", "regulatory"),
    ("Clinically proven grip.", "Clinically proven", "regulatory"),
    ("Doctor recommended.", "Doctor recommended", "regulatory"),
    ("Medical-grade steel.", "Medical-grade", "regulatory"),
    ("Guaranteed results.", "Guaranteed results", "absolute"),
    ("No side effects.", "No side effects", "absolute"),
    ("A detox ritual.", "detox", "detox"),
    ("Soothes migraines.", "Soothes migraines", "condition-outcome"),
    ("Reduces the appearance of cellulite.", "Reduces the appearance of cellulite", "condition-outcome"),
])
def test_each_finding_names_the_phrase_the_rule_and_why(text, phrase, rule):
    findings = claims.screen(text)
    assert [(f.phrase, f.rule) for f in findings] == [(phrase, rule)]
    assert len(findings[0].why) > 40 and findings[0].as_dict() == {"phrase": phrase, "rule": rule,
                                                                  "why": findings[0].why}


@pytest.mark.parametrize("text", [
    "This product does not diagnose, treat or cure any condition.",
    "This product is not intended to diagnose, treat, cure or prevent any disease.",
    "It is not FDA approved.",
    "There is no cure for tendonitis.",
    "It won't fix plantar fasciitis.",
])
def test_denials_are_not_claims(text):
    assert claims.screen(text) == []


def test_a_guide_may_describe_a_condition_but_not_credit_a_tool():
    assert claims.screen("Ice and rest can ease heel pain in the first days.", "guide") == []
    assert claims.screen("A clinician may treat plantar fasciitis with a splint.", "guide") == []
    found = claims.screen("Rolling on the ball eases heel pain.", "guide")
    assert [f.rule for f in found] == ["condition-outcome"]
    # The same description in product copy sells the product for the condition.
    assert claims.screen("A roller for plantar fasciitis.", "product")[0].rule == "intended-use"
    assert claims.screen("A roller for plantar fasciitis.", "guide") == []


def test_owner_lexicon_rows_are_read_by_every_screen(app, db):
    assert screening.screen("Calms restless shins after a run.") == []
    screening.add_term("condition", "Restless  Shins", "our own list", actor_id=None)
    screening.add_term("phrase", "Spa Water", "sold as a cure-all", actor_id=None)
    db.session.commit()
    db.session.remove()   # a fresh session, as another instance would have: nothing cached in the process
    found = screening.screen("Calms restless shins after a run.")
    assert [(f.phrase, f.rule) for f in found] == [("Calms restless shins", "condition-outcome")]
    found = screening.screen("Made with spa-water from the hills.")
    assert [(f.phrase, f.rule) for f in found] == [("spa-water", "owner-phrase")]
    assert "sold as a cure-all" in found[0].why
    with pytest.raises(screening.TermInvalid):
        screening.add_term("condition", "restless shins", actor_id=None)


@pytest.mark.parametrize("value, expected", [
    ("https://pubmed.ncbi.nlm.nih.gov/34079601/", "https://pubmed.ncbi.nlm.nih.gov/34079601/"),
    ("PMID: 34079601", "https://pubmed.ncbi.nlm.nih.gov/34079601/"),
    ("10.1016/j.foot.2014.03.005", "https://doi.org/10.1016/j.foot.2014.03.005"),
    ("https://doi.org/10.1016/j.foot.2014.03.005", "https://doi.org/10.1016/j.foot.2014.03.005"),
])
def test_evidence_is_a_pubmed_or_doi_link(value, expected):
    assert screening.normalise_evidence(value) == expected


@pytest.mark.parametrize("value", ["", "https://example.com/study", "javascript:alert(1)", "10.12/x", "see blog"])
def test_other_evidence_is_refused(value):
    with pytest.raises(screening.OverrideInvalid):
        screening.normalise_evidence(value)


def _demo_places():
    for p in PRODUCTS:
        for key in ("name", "summary", "description"):
            yield "product", f"{p['slug']} {key}", p[key]
        for v in p["variants"]:
            yield "product", f"{p['slug']} option", v["label"]
    for c in CATEGORIES:
        yield "product", f"category {c['slug']}", c["description"]
    for g in GUIDES:
        for key in ("title", "summary", "body", "clinician_note"):
            yield "guide", f"{g['slug']} {key}", g.get(key) or ""
        for s in g["steps"]:
            yield "guide", f"{g['slug']} step", s["title"] + "\n" + s["body"]
        for f in g.get("faqs", []):
            yield "guide", f"{g['slug']} faq", f["question"] + "\n" + f["answer"]


def test_the_demo_data_passes_the_screen():
    places = list(_demo_places())
    assert len(places) > 100
    flagged = [(where, [f.phrase for f in claims.screen(text, context)]) for context, where, text in places
               if claims.screen(text, context)]
    assert flagged == []

"""The claims screen as the areas use it: the built-in rules (store/claims.py) with the owner's lexicon
extensions read from the database on every screen (no per-instance cache), and overrides with evidence.

A piece of copy is *cleared* when the screen finds nothing in it, or when an override covers exactly this text
(its SHA-256) with a reason and an evidence link (PubMed or DOI). Publishing or saving live copy that is not
cleared needs a new override; every override is a row here and an audit-log entry written by the admin."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import select

from store import claims
from store.extensions import db
from store.safety.models import ClaimOverride, ClaimTerm, ClaimTermKind

PUBMED_RE = re.compile(r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?$",
                       re.IGNORECASE)
PMID_RE = re.compile(r"^(?:pmid:?\s*)?(\d{1,9})$", re.IGNORECASE)
DOI_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/[^\s]+)$", re.IGNORECASE)


class OverrideInvalid(ValueError):
    """An override without a reason or without a PubMed / DOI evidence link."""


class ClaimsNeedOverride(Exception):
    """Copy with uncleared findings: {place: [Finding]}."""

    def __init__(self, found: dict[str, list[claims.Finding]]):
        self.found = found
        seen: dict[str, str] = {}
        for fs in found.values():
            for f in fs:
                seen.setdefault(f.phrase.lower(), f.phrase)   # as written, each once
        phrases = list(seen.values())
        super().__init__("The copy makes health or regulatory claims: " + ", ".join(f"“{p}”" for p in phrases)
                         + ". Reword it, or override with a reason and an evidence link (PubMed or DOI).")


@dataclass(frozen=True)
class Override:
    reason: str
    evidence: str


def lexicon() -> claims.Lexicon:
    """The built-in lexicon plus the owner's rows (read now, from the database)."""
    rows = db.session.execute(select(ClaimTerm.kind, ClaimTerm.term, ClaimTerm.note)).all()
    return claims.Lexicon(
        extra_conditions=tuple(t for k, t, _ in rows if k == ClaimTermKind.CONDITION),
        extra_phrases=tuple((t, n) for k, t, n in rows if k == ClaimTermKind.PHRASE))


def screen(text: str | None, context: str = "product", lex: claims.Lexicon | None = None) -> list[claims.Finding]:
    return claims.screen(text, context, lex or lexicon())


def screen_places(places: dict[str, str | None], context: str = "product") -> dict[str, list[claims.Finding]]:
    lex = lexicon()
    found = {place: claims.screen(text, context, lex) for place, text in places.items()}
    return {place: fs for place, fs in found.items() if fs}


def text_hash(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def uncleared(object_type: str, object_id: int | None, places: dict[str, str | None],
              context: str = "product") -> dict[str, list[claims.Finding]]:
    """The places whose findings no override covers (an override covers one exact text)."""
    found = screen_places(places, context)
    if not found or object_id is None:
        return found
    covered = set(db.session.execute(
        select(ClaimOverride.field, ClaimOverride.text_sha256)
        .where(ClaimOverride.object_type == object_type, ClaimOverride.object_id == object_id,
               ClaimOverride.field.in_(list(found)))).all())
    return {place: fs for place, fs in found.items() if (place, text_hash(places[place])) not in covered}


def normalise_evidence(value: str | None) -> str:
    """A PubMed or DOI link in its canonical form; OverrideInvalid for anything else."""
    value = (value or "").strip()
    if m := PUBMED_RE.match(value) or PMID_RE.match(value):
        return f"https://pubmed.ncbi.nlm.nih.gov/{m.group(1)}/"
    if m := DOI_RE.match(value):
        return f"https://doi.org/{m.group(1)}"
    raise OverrideInvalid("Give the evidence as a PubMed link or ID (https://pubmed.ncbi.nlm.nih.gov/12345678/) "
                          "or a DOI (10.1016/j.foot.2014.03.005).")


def check_override(override: Override | None) -> Override | None:
    """The override with its evidence normalised, or None. OverrideInvalid without a reason or evidence."""
    if override is None:
        return None
    reason = (override.reason or "").strip()
    if not reason:
        raise OverrideInvalid("Give the reason for keeping the flagged wording.")
    if len(reason) > 500:
        raise OverrideInvalid("Keep the reason within 500 characters.")
    return Override(reason=reason, evidence=normalise_evidence(override.evidence))


def require_cleared(object_type: str, object_id: int | None, places: dict[str, str | None],
                    override: Override | None, *, actor_id: int | None, context: str = "product"
                    ) -> dict[str, list[claims.Finding]]:
    """Refuse (ClaimsNeedOverride) uncleared copy unless ``override`` is given; with one, record it for each
    uncleared place. Returns what the override covered ({} when nothing needed one). ``object_id`` may be None
    for a new object: then call ``record_overrides`` after the flush."""
    found = uncleared(object_type, object_id, places, context)
    if not found:
        return {}
    override = check_override(override)
    if override is None:
        raise ClaimsNeedOverride(found)
    if object_id is not None:
        record_overrides(object_type, object_id, places, found, override, actor_id=actor_id)
    return found


def record_overrides(object_type: str, object_id: int, places: dict[str, str | None],
                     found: dict[str, list[claims.Finding]], override: Override, *, actor_id: int | None) -> None:
    override = check_override(override)
    for place, findings in found.items():
        db.session.add(ClaimOverride(
            object_type=object_type, object_id=object_id, field=place[:80], text_sha256=text_hash(places[place]),
            phrases="\n".join(dict.fromkeys(f.phrase for f in findings)),
            rules=", ".join(dict.fromkeys(f.rule for f in findings))[:300],
            reason=override.reason, evidence_url=override.evidence, created_by_id=actor_id))


def summary(found: dict[str, list[claims.Finding]]) -> dict[str, list[dict]]:
    """JSON-able findings, for the audit log."""
    return {place: [f.as_dict() | {"why": f.why[:160]} for f in fs] for place, fs in found.items()}


# ---------------------------------------------------------------- the owner's lexicon

class TermInvalid(ValueError):
    pass


def add_term(kind: str, term: str, note: str = "", *, actor_id: int | None) -> ClaimTerm:
    """Add a condition or phrase to the lexicon (caller commits)."""
    if kind not in {k.value for k in ClaimTermKind}:
        raise TermInvalid("Choose whether it is a condition or a phrase.")
    term = " ".join((term or "").lower().split())
    if not claims.words(term):
        raise TermInvalid("Enter the word or phrase to flag.")
    if len(term) > 120:
        raise TermInvalid("Keep a term within 120 characters.")
    if db.session.scalar(select(ClaimTerm.id).where(ClaimTerm.kind == kind, ClaimTerm.term == term)):
        raise TermInvalid(f"“{term}” is already in the lexicon.")
    row = ClaimTerm(kind=kind, term=term, note=(note or "").strip()[:300], created_by_id=actor_id)
    db.session.add(row)
    db.session.flush()
    return row

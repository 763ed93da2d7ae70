"""The claims check: wording that makes a treatment or cure claim, kept in ONE list.

Product copy is sold alongside health education; claims belong in referenced guides, not in product
names, summaries or descriptions. ``find_claims(text)`` returns every match (case-insensitive, whole words
only, so "treatsy" or "precure" do not match). Product saves with a match need an explicit override with a
reason (recorded in the audit log); guides show the matches as warnings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Phrases, not regexes: each is matched as whole words, case-insensitively, with any run of
# whitespace or a hyphen between its words.
CLAIM_PHRASES: tuple[str, ...] = (
    "cure", "cures", "cured", "curing",
    "heal", "heals", "healing",
    "treats", "treatment for", "treating",
    "relieves pain", "relieve pain", "pain relief", "pain-relieving", "eliminates pain", "stops pain",
    "anti-inflammatory", "reduces inflammation", "reduce inflammation",
    "therapeutic", "clinically proven", "medically proven",
    "prevents injury", "prevents disease",
    "remedy", "remedies",
    "detox", "detoxifies",
    "fixes plantar fasciitis", "fixes sciatica",
    "miracle",
)


def _pattern(phrase: str) -> str:
    words = re.split(r"[\s-]+", phrase.strip())
    return r"\b" + r"[\s\-]+".join(re.escape(w) for w in words) + r"\b"


# Longest phrases first, so "relieves pain" wins over a shorter overlapping entry.
_REGEX = re.compile("|".join(_pattern(p) for p in sorted(CLAIM_PHRASES, key=len, reverse=True)),
                    re.IGNORECASE)


@dataclass(frozen=True)
class ClaimMatch:
    phrase: str     # the text as written, e.g. "Relieves pain"
    start: int
    end: int
    context: str    # a few words around it, for showing the admin where it is

    def __str__(self) -> str:
        return self.phrase


def find_claims(text: str | None) -> list[ClaimMatch]:
    if not text:
        return []
    matches = []
    for m in _REGEX.finditer(text):
        lo, hi = max(m.start() - 40, 0), min(m.end() + 40, len(text))
        context = ("…" if lo else "") + " ".join(text[lo:hi].split()) + ("…" if hi < len(text) else "")
        matches.append(ClaimMatch(m.group(0), m.start(), m.end(), context))
    return matches


def find_claims_in(fields: dict[str, str | None]) -> dict[str, list[ClaimMatch]]:
    """{field name: matches} for the fields that have any."""
    found = {name: find_claims(value) for name, value in fields.items()}
    return {name: m for name, m in found.items() if m}

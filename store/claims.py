"""The claims screen: rules that catch treatment, cure and regulatory claims however they are phrased.

A word list catches "cures plantar fasciitis" and misses "eases plantar fasciitis", "relief from heel pain" or
"FDA approved". This module screens text with rules instead:

* ``condition-outcome``: an outcome word in any of its forms (cure, treat, heal, relieve/relief, ease, soothe,
  reduce, prevent, eliminate, repair, reverse, fix, stop, ...) aimed at a condition from the lexicon
  (plantar fasciitis, heel pain, arthritis, ...), in either order ("eases heel pain", "heel pain relief",
  "heel pain is eased"). A health claim needs competent and reliable scientific evidence.
* ``intended-use``: product copy that sells something *for* a condition ("an oil for muscle pain"): under the
  intended-use rule that makes the product a drug.
* ``regulatory``: FDA approved / cleared / registered, clinically proven / tested, doctor recommended,
  medical-grade: approval or endorsement it does not have.
* ``absolute``: guaranteed results, no side effects, miracle, instant relief: promises nobody can keep.
* ``detox``: detox wording, a claim about removing toxins from the body.
* ``drug-word``: words that name a drug effect on their own (remedy, therapeutic, anti-inflammatory, cure).
* ``owner-phrase``: a phrase the owner added to the lexicon in the back office.

Denials are not claims: "does not diagnose, treat or cure any disease", "it is not FDA approved", "there is
no cure". Guide copy (``context="guide"``) may describe a condition and what clinicians do about it; only a
sentence that credits a product or tool (a roller, a ball, an oil, massage, ...) with an outcome is a claim.

This is a shared module: it knows no area. The owner's lexicon extensions live in the database and are passed
in as ``Lexicon(extra_conditions=..., extra_phrases=...)`` by ``store.safety.screening``, which every caller in
the areas goes through.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# ---------------------------------------------------------------- the lexicon

# Conditions, diseases and symptoms. Plurals and simple inflections are matched by ``_term_pattern``.
CONDITIONS: tuple[str, ...] = (
    "plantar fasciitis", "heel pain", "heel spur", "heel spurs", "arthritis", "osteoarthritis",
    "rheumatoid arthritis", "inflammation", "inflamed", "sciatica", "tendonitis", "tendinitis", "tendinopathy",
    "fibromyalgia", "cellulite", "migraine", "headache", "tension headache", "carpal tunnel",
    "carpal tunnel syndrome", "eczema", "psoriasis", "dermatitis", "rosacea", "acne", "bursitis", "gout",
    "neuropathy", "shin splints", "tennis elbow", "golfer's elbow", "frozen shoulder", "scoliosis",
    "herniated disc", "slipped disc", "whiplash", "insomnia", "anxiety", "depression", "varicose veins",
    "restless legs", "poor circulation", "edema", "oedema", "lymphedema", "swelling", "bruising", "bruises",
    "sprain", "sprains", "strain injury", "injury", "injuries", "spasm", "spasms", "cramp", "cramps",
    "muscle cramps", "muscle pain", "back pain", "lower back pain", "neck pain", "joint pain", "knee pain",
    "foot pain", "shoulder pain", "hip pain", "nerve pain", "chronic pain", "pain", "aches", "ache",
    "soreness", "sore muscles", "sore feet", "sore joints", "muscle soreness", "doms", "stiff joints", "disease", "diseases", "infection",
    "infections", "wounds", "scars", "stretch marks", "toxins", "bunions", "morton's neuroma", "flat feet",
    "hammer toe",
)

# Outcome words: each root with the forms a copywriter reaches for.
OUTCOMES: tuple[str, ...] = (
    "cure", "cures", "cured", "curing", "curative",
    "treat", "treats", "treated", "treating", "treatment", "treatments",
    "heal", "heals", "healed", "healing",
    "relieve", "relieves", "relieved", "relieving", "relief", "reliever",
    "ease", "eases", "eased", "easing",
    "soothe", "soothes", "soothed", "soothing",
    "reduce", "reduces", "reduced", "reducing", "reduction",
    "prevent", "prevents", "prevented", "preventing", "prevention", "preventive",
    "eliminate", "eliminates", "eliminated", "eliminating", "elimination",
    "repair", "repairs", "repaired", "repairing",
    "reverse", "reverses", "reversed", "reversing", "reversal",
    "fix", "fixes", "fixed", "fixing",
    "stop", "stops", "stopped", "stopping",
    "alleviate", "alleviates", "alleviated", "alleviating",
    "remedy", "remedies", "remedied",
    "fight", "fights", "fighting", "combat", "combats", "combating", "banish", "banishes",
    "beat", "beats", "erase", "erases", "dissolve", "dissolves", "resolve", "resolves",
    "calm", "calms", "calming", "numb", "numbs", "numbing", "lessen", "lessens", "diminish", "diminishes",
    "recover", "recovery", "rid", "free", "goodbye",
)

# Outcome nouns that may follow the condition ("heel pain relief", "arthritis treatment").
OUTCOME_NOUNS = frozenset({"cure", "cures", "treatment", "treatments", "relief", "reliever", "remedy", "remedies",
                           "reduction", "prevention", "repair", "reversal", "recovery", "elimination", "fix",
                           "relieving", "soothing", "easing", "healing", "free"})

# Words that may stand between an outcome and its condition ("relief from the pain of heel spurs").
FILLERS = frozenset("""
the a an your you my our their his her its this that these those of from for with in on to and or any all
chronic painful sore minor mild severe daily everyday stubborn nagging persistent acute common occasional
symptoms symptom signs sign appearance effects effect look feel discomfort
foot feet heel heels arch arches back lower upper neck knee knees hip hips shoulder shoulders joint joints muscle
muscles leg legs calf calves wrist wrists hand hands elbow elbows skin body tissue plantar achy aching tired
quickly fast instantly naturally visibly gently completely permanently effectively dramatically help helps
""".split())

# Passive links: "heel pain is eased", "arthritis can be reversed".
PASSIVE = frozenset({"is", "are", "was", "were", "be", "been", "gets", "get", "got", "can", "will", "may"})

NEGATIONS = frozenset({"not", "no", "never", "nor", "without", "cannot", "neither", "none"})
NOT_ONLY = frozenset({"only", "just", "merely", "simply"})

# Phrase rules. Each pattern is matched case-insensitively with any whitespace or hyphens between words.
PHRASE_RULES: tuple[tuple[str, str, str], ...] = (
    # (rule, regex, why)
    ("regulatory", r"\bfda[\s\-]*(?:approved|approval|cleared|clearance|registered|certified|listed)\b",
     "Claims an approval or registration with the FDA. Cosmetics and massage tools are not FDA approved; saying so "
     "is false and misleading."),
    ("regulatory", r"\b(?:approved|cleared|registered|certified)\s+by\s+(?:the\s+)?(?:fda|food\s+and\s+drug"
     r"\s+administration)\b",
     "Claims an approval or registration with the FDA. Cosmetics and massage tools are not FDA approved; saying so "
     "is false and misleading."),
    ("regulatory", r"\b(?:clinically|medically|scientifically|dermatologically)[\s\-]+(?:proven|tested|shown"
     r"|validated|backed)\b",
     "Claims clinical proof. A health claim needs competent and reliable scientific evidence (FTC); keep it only "
     "with the study as evidence."),
    ("regulatory", r"\b(?:doctor|physician|podiatrist|dermatologist|chiropractor|physio|physiotherapist|"
     r"therapist)s?[\s\-]+(?:recommended|approved|endorsed|trusted|tested)\b",
     "Claims an endorsement by professionals. An endorsement claim needs evidence that they do recommend it."),
    ("regulatory", r"\brecommended\s+by\s+(?:doctors|physicians|podiatrists|dermatologists|chiropractors|"
     r"physiotherapists|therapists)\b",
     "Claims an endorsement by professionals. An endorsement claim needs evidence that they do recommend it."),
    ("regulatory", r"\b(?:medical|hospital|pharmaceutical|clinical)[\s\-]+(?:grade|strength)\b",
     "Implies a medical device or drug standard the product is not held to."),
    ("absolute", r"\bguaranteed[\s\-]+(?:results?|relief|to\s+\w+)\b|\bresults\s+guaranteed\b"
     r"|\bmoney[\s\-]+back\s+if\s+it\s+doesn'?t\s+work\b",
     "Promises a result. Bodies differ; a guaranteed outcome is a claim nobody can substantiate."),
    ("absolute", r"\bno\s+(?:side[\s\-]+effects?|risks?)\b|\bzero\s+side[\s\-]+effects?\b"
     r"|\brisk[\s\-]+free\b|\bcompletely\s+safe\b|\b100\s*%\s*(?:safe|effective)\b",
     "Promises safety or efficacy without limits. Every product can cause a reaction in someone."),
    ("absolute", r"\bmiracle\b|\bmiraculous\b|\binstant\s+relief\b|\bpermanent\s+(?:results?|relief)\b"
     r"|\bpain[\s\-]+free\b",
     "An absolute outcome claim. It needs evidence and is misleading without it."),
    ("detox", r"\bdetox(?:es|ed|ing|ify|ifies|ified|ifying|ification)?\b|\bflush(?:es|ing)?\s+(?:out\s+)?"
     r"(?:the\s+)?toxins\b|\bdraws?\s+out\s+(?:the\s+)?toxins\b",
     "Claims to remove toxins from the body: a physiological (drug) claim without evidence."),
    ("drug-word", r"\b(?:anti[\s\-]*inflammatory|analgesic|painkill(?:er|ers|ing)|pain[\s\-]+kill(?:er|ers|ing)"
     r"|pain[\s\-]+reliev(?:ing|er)|therapeutic|medicinal|remed(?:y|ies)|cur(?:e|es|ative))\b",
     "Names a drug effect. Under the intended-use rule, wording like this makes the product a drug."),
)

WHY = {
    "condition-outcome": "Credits the product with an outcome for a condition ({condition}). A health claim "
                         "needs competent and reliable scientific evidence (FTC), and a product sold to treat a "
                         "condition is a drug under the FDA's intended-use rule.",
    "intended-use": "Sells the product for a condition ({condition}). Under the FDA's intended-use rule a product "
                    "marketed for a condition is a drug.",
    "owner-phrase": "A phrase this store's lexicon flags{note}.",
}

# What a guide sentence must mention for it to credit a product or tool (guides may describe conditions).
CREDIT_WORDS = frozenset("""
roller rollers ball balls oil oils balm balms lotion lotions cream creams tool tools massager massagers gun guns
stick sticks hook hooks cane canes product products kit kits device devices massage massaging rolling wand wands
our it this blend blends
""".split())

CONTEXTS = ("product", "guide", "review")

_WORD_RE = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?", re.IGNORECASE)
_SENTENCE_BREAK_RE = re.compile(r"[.!?;:\n]+|\s[–—]\s|\s-\s|\bbut\b", re.IGNORECASE)


# ---------------------------------------------------------------- results

@dataclass(frozen=True)
class Finding:
    phrase: str      # the text as written, e.g. "eases plantar fasciitis"
    rule: str        # condition-outcome, intended-use, regulatory, absolute, detox, drug-word, owner-phrase
    why: str         # one sentence an owner can act on
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict:
        return {"phrase": self.phrase, "rule": self.rule, "why": self.why}

    def __str__(self) -> str:
        return self.phrase


@dataclass(frozen=True)
class Lexicon:
    """The built-in lexicon plus the owner's extensions (rows in the database, passed in by the caller)."""
    extra_conditions: tuple[str, ...] = ()
    extra_phrases: tuple[tuple[str, str], ...] = ()   # (phrase, note)
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def conditions(self) -> list[tuple[str, ...]]:
        if "conditions" not in self._cache:
            terms = {tuple(_words(t)) for t in CONDITIONS + tuple(self.extra_conditions) if _words(t)}
            self._cache["conditions"] = sorted(terms, key=len, reverse=True)
        return self._cache["conditions"]


BUILTIN = Lexicon()


# ---------------------------------------------------------------- screening

def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD_RE.findall(text or "")]


def _norm(word: str) -> str:
    """Fold simple plurals so 'migraines' meets 'migraine' and 'bunions' meets 'bunion'."""
    w = word.lower().replace("’", "'")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _negated(tokens: list[str], index: int, reach: int = 8) -> bool:
    """A denial before the word ("does not treat", "no cure", "isn't FDA approved"), but not "not only"."""
    for j in range(index - 1, max(index - reach, 0) - 1, -1):
        tok = tokens[j]
        if tok in NEGATIONS or tok.endswith("n't"):
            if j + 1 < len(tokens) and tokens[j + 1] in NOT_ONLY:
                return False
            return True
    return False


@dataclass
class _Tok:
    word: str
    norm: str
    start: int
    end: int


def _tokens(text: str, offset: int) -> list[_Tok]:
    return [_Tok(m.group(0).lower().replace("’", "'"), _norm(m.group(0)), offset + m.start(), offset + m.end())
            for m in _WORD_RE.finditer(text)]


def _sentences(text: str):
    """(offset, sentence) pairs: split on sentence and clause breaks."""
    pos = 0
    for m in _SENTENCE_BREAK_RE.finditer(text):
        yield pos, text[pos:m.start()]
        pos = m.end()
    yield pos, text[pos:]


def _condition_spans(toks: list[_Tok], lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, condition) for every condition in the sentence, longest first, no overlaps."""
    norms = [t.norm for t in toks]
    taken = [False] * len(toks)
    spans = []
    for term in lexicon.conditions():
        n = len(term)
        want = [_norm(w) for w in term]
        for i in range(len(toks) - n + 1):
            if norms[i:i + n] == want and not any(taken[i:i + n]):
                spans.append((i, i + n, " ".join(term)))
                for k in range(i, i + n):
                    taken[k] = True
    return sorted(spans)


_OUTCOMES = frozenset(OUTCOMES)


def _sentence_findings(text: str, offset: int, sentence: str, context: str, lexicon: Lexicon) -> list[Finding]:
    toks = _tokens(sentence, offset)
    if not toks:
        return []
    words = [t.word for t in toks]
    if context == "guide" and not (set(words) & CREDIT_WORDS):
        return []   # a guide may describe a condition; only crediting a product or tool is a claim
    conditions = _condition_spans(toks, lexicon)
    findings: list[Finding] = []

    def add(rule: str, a: int, b: int, condition: str) -> None:
        start, end = toks[a].start, toks[b - 1].end
        if any(f.start <= start and end <= f.end for f in findings):
            return
        findings.append(Finding(text[start:end], rule, WHY[rule].format(condition=condition), start, end))

    for c_start, c_end, condition in conditions:
        hit = False
        # outcome ... condition ("eases plantar fasciitis", "relief from heel pain")
        j = c_start - 1
        gap = 0
        while j >= 0 and gap <= 5:
            w = words[j]
            if w in _OUTCOMES and not (w in ("free", "rid") and j + 1 < len(words) and words[j + 1] not in
                                       ("from", "of")):
                if not _negated(words, j):
                    add("condition-outcome", j, c_end, condition)
                hit = True
                break
            if (w == "more" and j > 0 and words[j - 1] in ("no", "zero")) or (
                    w in ("help", "helps", "helped", "helping") and j + 1 < len(words)
                    and words[j + 1] in ("with", "against")):
                add("condition-outcome", j - 1 if w == "more" else j, c_end, condition)   # "no more heel pain"
                hit = True
                break
            if w not in FILLERS:
                break
            j -= 1
            gap += 1
        if hit:
            continue
        # condition ... outcome noun ("heel pain relief") or passive ("heel pain is eased")
        j = c_end
        gap = 0
        passive = False
        while j < len(words) and gap <= 3:
            w = words[j]
            if w in OUTCOME_NOUNS or (passive and w in _OUTCOMES):
                if not _negated(words, j) and not _negated(words, c_start):
                    add("condition-outcome", c_start, j + 1, condition)
                hit = True
                break
            if w in PASSIVE:
                passive = True
            elif w.endswith("n't") or w in NEGATIONS:
                break
            elif w not in FILLERS or w in ("and", "or"):
                break
            j += 1
            gap += 1
        if hit or context != "product":
            continue
        # product copy: "for <condition>", "against <condition>", "for people with <condition>"
        j = c_start - 1
        gap = 0
        while j >= 0 and gap <= 4:
            w = words[j]
            if w in ("for", "against", "with") and not (w == "with" and (j == 0 or words[j - 1] not in
                                                        ("people", "those", "anyone", "someone", "sufferers",
                                                         "suffering", "living", "patients"))):
                if not _negated(words, j):
                    add("intended-use", j, c_end, condition)
                break
            if w not in FILLERS and w not in ("people", "those", "anyone", "someone", "sufferers", "suffering",
                                              "living", "patients", "relaxation"):
                break
            j -= 1
            gap += 1
    return findings


def screen(text: str | None, context: str = "product", lexicon: Lexicon = BUILTIN) -> list[Finding]:
    """Every claim in ``text``, in reading order. ``context``: "product" (names, summaries, descriptions, option
    labels: strictest), "guide" (conditions may be described; crediting a product or tool with an outcome is a
    claim) or "review"."""
    if not text or not text.strip():
        return []
    if context not in CONTEXTS:
        raise ValueError(f"Unknown context {context!r}")
    findings: list[Finding] = []
    lowered = text.lower()
    all_words = _words(text)
    for rule, pattern, why in PHRASE_RULES:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if rule != "absolute" or not m.group(0).lower().startswith(("no ", "zero")):
                clause = _SENTENCE_BREAK_RE.split(lowered[:m.start()])[-1]
                before = _words(clause)
                if _negated(before + ["x"], len(before)):
                    continue
            if context == "guide" and rule == "drug-word" and not (set(all_words) & CREDIT_WORDS):
                continue
            findings.append(Finding(text[m.start():m.end()], rule, why, m.start(), m.end()))
    for phrase, note in lexicon.extra_phrases:
        words = _words(phrase)
        if not words:
            continue
        pattern = r"\b" + r"[\s\-]+".join(re.escape(w) for w in words) + r"\b"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            findings.append(Finding(text[m.start():m.end()], "owner-phrase",
                                    WHY["owner-phrase"].format(note=f": {note}" if note else ""), m.start(), m.end()))
    for offset, sentence in _sentences(text):
        findings.extend(_sentence_findings(text, offset, sentence, context, lexicon))
    # A rule finding is more specific than a bare drug word inside it ("cures arthritis" over "cures").
    spans = [(f.start, f.end) for f in findings if f.rule in ("condition-outcome", "intended-use")]
    findings = [f for f in findings
                if not (f.rule == "drug-word" and any(a <= f.start and f.end <= b for a, b in spans))]
    findings.sort(key=lambda f: (f.start, -f.end))
    unique: list[Finding] = []
    for f in findings:
        if unique and unique[-1].start == f.start and unique[-1].end == f.end:
            continue
        unique.append(f)
    return unique


def screen_fields(fields: dict[str, str | None], context: str = "product",
                  lexicon: Lexicon = BUILTIN) -> dict[str, list[Finding]]:
    """{field: findings} for the fields that have any."""
    found = {name: screen(value, context, lexicon) for name, value in fields.items()}
    return {name: f for name, f in found.items() if f}


# ---------------------------------------------------------------- the old interface, kept for callers

ClaimMatch = Finding


def find_claims(text: str | None, lexicon: Lexicon = BUILTIN) -> list[Finding]:
    return screen(text, "product", lexicon)


def find_claims_in(fields: dict[str, str | None], lexicon: Lexicon = BUILTIN) -> dict[str, list[Finding]]:
    return screen_fields(fields, "product", lexicon)


def words(text: str | None) -> list[str]:
    """The words of ``text``, lower-case (what the screen compares)."""
    return _words(text or "")

"""Builders for guide tests."""
from __future__ import annotations

import itertools

from store.guides import services
from store.guides.services import FAQData, GuideData, ReferenceData, StepData

_seq = itertools.count(1)


def make_guide(title: str | None = None, *, slug: str | None = None, products: list | None = None,
               steps: list[StepData] | None = None, tags: list[str] | None = None, body: str | None = None,
               faqs: list[FAQData] | None = None, references: list[ReferenceData] | None = None,
               clinician_note: str = "See a clinician if pain gets worse or you notice numbness.",
               publish: bool = True, summary: str | None = None, hero: bool = True,
               ask_clinician: dict[str, str] | None = None):
    """A guide using ``products`` (Product objects): all in "tools used", each also named by one step
    unless ``steps`` is given. Flushed, not committed."""
    n = next(_seq)
    title = title or f"Test guide {n}"
    products = products or []
    if steps is None:
        steps = [StepData(f"Use {p.name}", f"Roll slowly with the **{p.name}**.", [p.slug]) for p in products]
        steps.append(StepData("Rest", "Rest for a minute and breathe."))
    data = GuideData(
        slug=slug or f"test-guide-{n}", title=title, summary=summary or f"What {title} covers.",
        body=body if body is not None else "Warm up first, then work **slowly**.\n\n## Why\n\nBecause tissue likes time.",
        clinician_note=clinician_note,
        hero_image="img/guides/self-massage-for-plantar-fasciitis.svg" if hero else None,
        hero_alt="A foot resting on a roller." if hero else "",
        reviewed_by="Reviewed by the test team", tags=tags if tags is not None else ["feet"], steps=steps,
        faqs=faqs if faqs is not None else [FAQData("How often?", "Once a day is *plenty*.")],
        references=references if references is not None else [
            ReferenceData("Ajimsha MS, et al. 2014. Foot (Edinb) 24(2):66-71.", "24703512",
                          "10.1016/j.foot.2014.03.005")],
        products=[p.slug for p in products],
        ask_clinician=ask_clinician or {},
    )
    guide = services.save_guide(data, commit=False)
    if publish:
        services.publish(guide, commit=False)
    return guide

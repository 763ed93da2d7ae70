from __future__ import annotations

from sqlalchemy import select

from store.extensions import db
from store.safety.demo_data import GUIDE_DISCLAIMER, PRODUCT_DISCLAIMER
from store.safety.models import Disclaimer, DisclaimerKind
from store.safety.services import new_disclaimer_version


def seed_disclaimers() -> int:
    created = 0
    for kind, data in ((DisclaimerKind.PRODUCT, PRODUCT_DISCLAIMER), (DisclaimerKind.GUIDE, GUIDE_DISCLAIMER)):
        if db.session.scalar(select(Disclaimer.id).where(Disclaimer.kind == kind.value).limit(1)) is None:
            new_disclaimer_version(kind, data["title"], data["body"], commit=False)
            created += 1
    db.session.flush()
    return created

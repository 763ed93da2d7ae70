"""Demo pricing: zones for the United States, Canada, the United Kingdom and the European Union, each with a
standard and an express method; the WELCOME10 code; and a short tax table (a few US states' state-level rates,
UK VAT and each EU country's standard VAT rate). Idempotent: what exists is left alone.

The tax rates are the published standard rates the demo starts from, not advice: the owner keeps the table
(local US sales taxes, reduced rates and thresholds are not modelled here)."""
from __future__ import annotations

from sqlalchemy import select

from store.extensions import db
from store.pricing.models import DiscountCode, ShippingMethod, ShippingZone, ShippingZoneCountry, TaxRate

EU = {"AT": ("Austria", 20), "BE": ("Belgium", 21), "BG": ("Bulgaria", 20), "HR": ("Croatia", 25),
      "CY": ("Cyprus", 19), "CZ": ("Czechia", 21), "DK": ("Denmark", 25), "EE": ("Estonia", 24),
      "FI": ("Finland", 25.5), "FR": ("France", 20), "DE": ("Germany", 19), "GR": ("Greece", 24),
      "HU": ("Hungary", 27), "IE": ("Ireland", 23), "IT": ("Italy", 22), "LV": ("Latvia", 21),
      "LT": ("Lithuania", 21), "LU": ("Luxembourg", 17), "MT": ("Malta", 18), "NL": ("Netherlands", 21),
      "PL": ("Poland", 23), "PT": ("Portugal", 23), "RO": ("Romania", 21), "SK": ("Slovakia", 23),
      "SI": ("Slovenia", 22), "ES": ("Spain", 21), "SE": ("Sweden", 25)}

# name, countries, [(code, name, estimate, basis, bands, free over)]
ZONES = [
    ("United States", {"US": "United States"}, [
        ("standard", "Standard", "3 to 5 business days", "weight", [[500, 595], [2000, 795], [None, 1195]], 7500),
        ("express", "Express", "1 to 2 business days", "weight", [[500, 1495], [2000, 1995], [None, 2795]], None),
    ]),
    ("Canada", {"CA": "Canada"}, [
        ("standard", "Standard", "5 to 8 business days", "weight", [[500, 995], [2000, 1495], [None, 2195]], 10000),
        ("express", "Express", "2 to 3 business days", "weight", [[500, 2295], [2000, 2995], [None, 3995]], None),
    ]),
    ("United Kingdom", {"GB": "United Kingdom"}, [
        ("standard", "Standard", "5 to 7 business days", "weight", [[500, 1195], [2000, 1695], [None, 2495]], 12000),
        ("express", "Express", "2 to 4 business days", "weight", [[500, 2495], [2000, 3295], [None, 4495]], None),
    ]),
    ("European Union", {code: name for code, (name, _) in EU.items()}, [
        ("standard", "Standard", "6 to 9 business days", "weight", [[500, 1295], [2000, 1795], [None, 2695]], 12000),
        ("express", "Express", "3 to 5 business days", "weight", [[500, 2695], [2000, 3495], [None, 4795]], None),
    ]),
]

US_STATES = [("CA", "Sales tax (California)", 72_500, False), ("NY", "Sales tax (New York)", 40_000, True),
             ("TX", "Sales tax (Texas)", 62_500, True), ("WA", "Sales tax (Washington)", 65_000, True)]


def seed_pricing() -> int:
    """Create the demo zones, code and tax table where missing; returns how many rows were created."""
    created = 0
    taken = set(db.session.scalars(select(ShippingZoneCountry.country)))
    for position, (name, countries, methods) in enumerate(ZONES):
        if db.session.scalar(select(ShippingZone.id).where(ShippingZone.name == name)) is not None:
            continue
        zone = ShippingZone(name=name, position=position)
        zone.countries = [ShippingZoneCountry(country=c, name=n) for c, n in countries.items() if c not in taken]
        zone.methods = [ShippingMethod(code=code, name=label, delivery_estimate=estimate, basis=basis, bands=bands,
                                       free_over_cents=free, position=i)
                        for i, (code, label, estimate, basis, bands, free) in enumerate(methods)]
        db.session.add(zone)
        created += 1
    if db.session.scalar(select(DiscountCode.id).where(DiscountCode.code == "WELCOME10")) is None:
        db.session.add(DiscountCode(code="WELCOME10", description="Welcome offer: 10% off your first order",
                                    kind="percent", value=10, per_customer_limit=1))
        created += 1
    existing = set(db.session.execute(select(TaxRate.country, TaxRate.region)).all())
    rows = [TaxRate(country="US", region=state, label=label, rate_ppm=ppm, shipping_taxable=ship,
                    note="State-level rate only; local sales taxes are not included.")
            for state, label, ppm, ship in US_STATES]
    rows.append(TaxRate(country="GB", region="", label="VAT", rate_ppm=200_000, inclusive=True,
                        note="Standard rate; prices include it."))
    rows += [TaxRate(country=code, region="", label="VAT", rate_ppm=int(rate * 10_000), inclusive=True,
                     note="Standard rate; prices include it.") for code, (_, rate) in EU.items()]
    for row in rows:
        if (row.country, row.region) not in existing:
            db.session.add(row)
            created += 1
    db.session.flush()
    return created

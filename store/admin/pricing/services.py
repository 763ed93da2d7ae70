"""Back-office pricing use cases, each one audited transaction: discount codes (create, edit, deactivate, usage
figures), shipping zones (name, countries, active) and their methods (price bands, free-shipping threshold), and
tax rates. The shop's arithmetic stays in ``store.pricing``; this only keeps its data."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from store.admin.audit import services as audit
from store.db import transaction
from store.extensions import db
from store.pricing import services as pricing
from store.pricing.models import DiscountCode, ShippingMethod, ShippingZone, ShippingZoneCountry, TaxRate

CODE_FIELDS = ("code", "description", "kind", "value", "minimum_subtotal_cents", "include_sale_items",
               "starts_at", "ends_at", "usage_limit", "per_customer_limit", "active")
METHOD_FIELDS = ("name", "delivery_estimate", "basis", "bands", "free_over_cents", "active")
TAX_FIELDS = ("country", "region", "label", "rate_ppm", "inclusive", "shipping_taxable")


class PricingAdminError(Exception):
    pass


@dataclass
class CodeData:
    code: str
    description: str
    kind: str
    value: int
    minimum_subtotal_cents: int
    include_sale_items: bool
    starts_on: date | None
    ends_on: date | None
    usage_limit: int | None
    per_customer_limit: int | None
    active: bool


def _window(data: CodeData) -> tuple[datetime | None, datetime | None]:
    """Dates are whole UTC days: from the start of the first to the end of the last."""
    starts = datetime.combine(data.starts_on, time.min) if data.starts_on else None
    ends = datetime.combine(data.ends_on + timedelta(days=1), time.min) if data.ends_on else None
    return starts, ends


def _fill(code: DiscountCode, data: CodeData) -> None:
    typed = pricing.normalize_code(data.code)
    if not pricing.CODE_RE.match(typed):
        raise PricingAdminError("A code is 2 to 40 letters, digits, hyphens or underscores, like WELCOME10.")
    if data.usage_limit is not None and data.usage_limit < (code.times_used or 0):
        raise PricingAdminError(f"{typed} has been used {code.times_used} times already: the limit cannot be lower.")
    code.code = typed
    code.description = (data.description or "").strip()[:200]
    code.kind, code.value = data.kind, (0 if data.kind == "free_shipping" else data.value)
    code.minimum_subtotal_cents = data.minimum_subtotal_cents or 0
    code.include_sale_items = bool(data.include_sale_items)
    code.starts_at, code.ends_at = _window(data)
    code.usage_limit, code.per_customer_limit = data.usage_limit, data.per_customer_limit
    code.active = bool(data.active)


def codes() -> list[tuple[DiscountCode, int, int]]:
    """Every code with (redemptions, amount given), newest first."""
    figures = pricing.usage_figures()
    return [(c, *figures.get(c.id, (0, 0))) for c in
            db.session.scalars(select(DiscountCode).order_by(DiscountCode.created_at.desc(), DiscountCode.id.desc()))]


def create_code(data: CodeData, *, actor_id: int | None) -> DiscountCode:
    try:
        with transaction():
            code = DiscountCode(times_used=0)
            _fill(code, data)
            db.session.add(code)
            db.session.flush()
            audit.record(actor_id, "discount.create", code, {f: [None, getattr(code, f)] for f in CODE_FIELDS})
    except IntegrityError as exc:
        raise PricingAdminError(f"There is already a code {pricing.normalize_code(data.code)}.") from exc
    return code


def update_code(code_id: int, data: CodeData, *, actor_id: int | None) -> DiscountCode:
    try:
        with transaction():
            code = db.session.get(DiscountCode, code_id)
            if code is None:
                raise PricingAdminError("That code no longer exists.")
            before = audit.snapshot(code, CODE_FIELDS)
            _fill(code, data)
            db.session.flush()
            changes = audit.diff(before, audit.snapshot(code, CODE_FIELDS))
            if changes:
                audit.record(actor_id, "discount.update", code, changes)
    except IntegrityError as exc:
        raise PricingAdminError(f"There is already a code {pricing.normalize_code(data.code)}.") from exc
    return code


def set_code_active(code_id: int, active: bool, *, actor_id: int | None) -> DiscountCode:
    with transaction():
        code = db.session.get(DiscountCode, code_id)
        if code is None:
            raise PricingAdminError("That code no longer exists.")
        if code.active != active:
            audit.record(actor_id, "discount.update", code, {"active": [code.active, active]})
            code.active = active
    return code


# ------------------------------------------------------------------ shipping

_BAND = re.compile(r"^\s*(?:(?:up to\s+)?(\d{1,9})|(over|above|more))\s*[:=,]?\s*(\S+)\s*$", re.I)


def parse_bands(text: str, parse_price) -> list[list]:
    """"up to 500: 4.95" lines, ascending, the last "over: 11.95" -> [[500, 495], ..., [None, 1195]]."""
    bands: list[list] = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise PricingAdminError("Give at least one price band, e.g. “over: 5.95” for one price for everything.")
    for n, line in enumerate(lines, start=1):
        match = _BAND.match(line)
        if not match:
            raise PricingAdminError(f"Band line {n} (“{line.strip()[:40]}”): write it as “up to 500: 4.95” or "
                                    "“over: 11.95”.")
        limit = None if match.group(2) else int(match.group(1))
        try:
            price = parse_price(match.group(3))
        except ValueError as exc:
            raise PricingAdminError(f"Band line {n}: {exc}") from None
        if bands and (bands[-1][0] is None or (limit is not None and limit <= bands[-1][0])):
            raise PricingAdminError(f"Band line {n}: bands go up in order, and “over” comes last.")
        bands.append([limit, price])
    return bands


def format_bands(method: ShippingMethod, format_price) -> str:
    return "\n".join(f"over: {format_price(price)}" if limit is None else f"up to {limit}: {format_price(price)}"
                     for limit, price in method.bands)


def zones() -> list[ShippingZone]:
    return list(db.session.scalars(select(ShippingZone).order_by(ShippingZone.position, ShippingZone.name).options(
        selectinload(ShippingZone.countries), selectinload(ShippingZone.methods))))


def update_method(method_id: int, *, name: str, delivery_estimate: str, basis: str, bands: list[list],
                  free_over_cents: int | None, active: bool, actor_id: int | None) -> ShippingMethod:
    with transaction():
        method = db.session.get(ShippingMethod, method_id)
        if method is None:
            raise PricingAdminError("That shipping method no longer exists.")
        before = audit.snapshot(method, METHOD_FIELDS)
        method.name, method.delivery_estimate = name.strip()[:80], (delivery_estimate or "").strip()[:80]
        method.basis, method.bands, method.free_over_cents, method.active = basis, bands, free_over_cents, active
        db.session.flush()
        changes = audit.diff(before, audit.snapshot(method, METHOD_FIELDS))
        if changes:
            audit.record(actor_id, "shipping.update", method, changes)
    return method


_COUNTRY_LINE = re.compile(r"^\s*([A-Za-z]{2})\s+(.{2,80}?)\s*$")


def update_zone_countries(zone_id: int, text: str, *, actor_id: int | None) -> ShippingZone:
    """Set a zone's countries from "GB United Kingdom" lines. A country already in another zone is refused."""
    wanted: dict[str, str] = {}
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _COUNTRY_LINE.match(line)
        if not match:
            raise PricingAdminError(f"Line {n}: write a two-letter country code, a space and its name, "
                                    "e.g. “GB United Kingdom”.")
        wanted[match.group(1).upper()] = match.group(2)
    with transaction():
        zone = db.session.get(ShippingZone, zone_id)
        if zone is None:
            raise PricingAdminError("That zone no longer exists.")
        elsewhere = dict(db.session.execute(select(ShippingZoneCountry.country, ShippingZone.name)
                                            .join(ShippingZone).where(ShippingZone.id != zone_id,
                                                                      ShippingZoneCountry.country.in_(wanted))).all())
        if elsewhere:
            raise PricingAdminError("Already in another zone: " + ", ".join(f"{c} ({z})" for c, z in
                                                                            sorted(elsewhere.items())) + ".")
        before = {c.country: c.name for c in zone.countries}
        zone.countries = [c for c in zone.countries if c.country in wanted]
        for c in zone.countries:
            c.name = wanted[c.country]
        have = {c.country for c in zone.countries}
        zone.countries += [ShippingZoneCountry(country=code, name=name) for code, name in wanted.items()
                           if code not in have]
        db.session.flush()
        if before != wanted:
            audit.record(actor_id, "shipping.zone", zone, {"countries": [before, wanted]})
    return zone


# ------------------------------------------------------------------ tax

def tax_rates() -> list[TaxRate]:
    return list(db.session.scalars(select(TaxRate).order_by(TaxRate.country, TaxRate.region)))


def save_tax_rate(rate_id: int | None, *, country: str, region: str, label: str, rate_ppm: int, inclusive: bool,
                  shipping_taxable: bool, actor_id: int | None) -> TaxRate:
    country, region = country.strip().upper()[:2], (region or "").strip().upper()[:10]
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise PricingAdminError("The country is a two-letter code such as US, GB or DE.")
    try:
        with transaction():
            rate = TaxRate(note="") if rate_id is None else db.session.get(TaxRate, rate_id)
            if rate is None:
                raise PricingAdminError("That tax rate no longer exists.")
            before = {} if rate_id is None else audit.snapshot(rate, TAX_FIELDS)
            rate.country, rate.region, rate.label = country, region, label.strip()[:60]
            rate.rate_ppm, rate.inclusive, rate.shipping_taxable = rate_ppm, inclusive, shipping_taxable
            db.session.add(rate)
            db.session.flush()
            changes = audit.diff(before, audit.snapshot(rate, TAX_FIELDS))
            if changes:
                audit.record(actor_id, "tax.create" if rate_id is None else "tax.update", rate, changes)
    except IntegrityError as exc:
        where = f"{country}-{region}" if region else country
        raise PricingAdminError(f"There is already a rate for {where}: edit that one.") from exc
    return rate


def delete_tax_rate(rate_id: int, *, actor_id: int | None) -> None:
    with transaction():
        rate = db.session.get(TaxRate, rate_id)
        if rate is None:
            raise PricingAdminError("That tax rate no longer exists.")
        audit.record(actor_id, "tax.delete", rate, {f: [getattr(rate, f), None] for f in TAX_FIELDS})
        db.session.delete(rate)

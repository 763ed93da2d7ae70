"""Pricing use cases over the owner's data: which discount code applies (with a message a shopper understands
when it does not), which zone, shipping methods and tax rule an address gets, a quote for a cart, and the
atomic redemption of a code by an order. The arithmetic itself is ``engine.price``.

Redemption is a conditional UPDATE of the code's counter (``times_used < usage_limit`` inside the statement,
rowcount checked), which also takes the code row's lock for the rest of the caller's transaction, so the
per-customer count that follows is serialised too: twenty orders racing for a one-use code give one redemption.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from store.db import prepared
from store.extensions import db
from store.countries import country_name
from store.money import format_money
from store.pricing import engine
from store.pricing.models import (DiscountCode, DiscountRedemption, ShippingMethod, ShippingZone,
                                  ShippingZoneCountry, TaxRate)
from store.util import utcnow

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,39}$")


class PricingError(Exception):
    """A pricing problem with a message for the shopper."""


class CodeRejected(PricingError):
    pass


class NoShipping(PricingError):
    pass


def normalize_code(text: str | None) -> str:
    return (text or "").strip().upper().replace(" ", "")[:60]


# ------------------------------------------------------------------ discount codes

def _unusable(code: DiscountCode | None, typed: str, now: datetime) -> str | None:
    if code is None or not code.active:
        return f"“{typed}” is not a valid code. Check the spelling, or remove it to go on without one."
    if code.starts_at is not None and now < code.starts_at:
        return f"{code.code} is not valid yet: it starts on {code.starts_at:%-d %B %Y}."
    if code.ends_at is not None and now >= code.ends_at:
        return f"{code.code} has expired."
    if code.usage_limit is not None and code.times_used >= code.usage_limit:
        return f"{code.code} has been used up."
    return None


def customer_uses(code: DiscountCode, email: str | None) -> int:
    if not email:
        return 0
    return db.session.scalar(select(func.count()).select_from(DiscountRedemption).where(
        DiscountRedemption.code_id == code.id, DiscountRedemption.email == email.strip().lower())) or 0


def find_code(typed: str | None, *, email: str | None = None, now: datetime | None = None) -> DiscountCode:
    """The active, current, not used-up code the shopper typed; ``CodeRejected`` with the reason otherwise."""
    typed = normalize_code(typed)
    now = now or utcnow()
    if not typed or not CODE_RE.match(typed):
        raise CodeRejected(f"“{typed[:40] or ' '}” is not a valid code. Codes are letters and digits, "
                           "like WELCOME10." if typed else "Enter a code.")
    code = db.session.scalar(select(DiscountCode).where(DiscountCode.code == typed))
    reason = _unusable(code, typed, now)
    if reason:
        raise CodeRejected(reason)
    if code.per_customer_limit is not None and customer_uses(code, email) >= code.per_customer_limit:
        raise CodeRejected(f"You have already used {code.code}"
                           f"{'' if code.per_customer_limit == 1 else f' {code.per_customer_limit} times'}.")
    return code


def code_id(text: str | None) -> int | None:
    code = normalize_code(text)
    return db.session.scalar(select(DiscountCode.id).where(DiscountCode.code == code)) if code else None


def as_discount(code: DiscountCode) -> engine.Discount:
    return engine.Discount(code=code.code, kind=engine.DiscountKind(code.kind), value=code.value,
                           minimum_subtotal_cents=code.minimum_subtotal_cents,
                           include_sale_items=code.include_sale_items)


def rejection_message(code: DiscountCode, reason: str, currency: str) -> str:
    """The shopper's wording of an engine rejection (``engine.discount_rejection``)."""
    if reason == "minimum":
        return (f"{code.code} needs a subtotal of at least {format_money(code.minimum_subtotal_cents, currency)} "
                "before discounts.")
    if reason == "sale_items":
        return f"{code.code} does not apply to items that are already reduced."
    return f"{code.code} cannot be used on this order."


def describe(code: DiscountCode, currency: str) -> str:
    """"10% off" / "$5.00 off" / "Free shipping", with the minimum: for the cart, emails and the back office."""
    if code.kind == engine.DiscountKind.PERCENT:
        text = f"{code.value}% off"
    elif code.kind == engine.DiscountKind.FIXED:
        text = f"{format_money(code.value, currency)} off"
    else:
        text = "Free shipping"
    if code.minimum_subtotal_cents:
        text += f" orders of {format_money(code.minimum_subtotal_cents, currency)} or more"
    if not code.include_sale_items and code.kind != engine.DiscountKind.FREE_SHIPPING:
        text += " (not on items already reduced)"
    return text


def redeem(code_id: int, *, order_id: int, email: str, amount_cents: int, now: datetime | None = None) -> None:
    """Use one of the code's redemptions for ``order_id`` inside the caller's transaction (which must roll back
    on ``CodeRejected``). The counter goes up only if the code is still active, current and under its limit —
    decided by the UPDATE itself — and that UPDATE holds the code row until the caller commits."""
    now = now or utcnow()
    result = db.session.execute(
        update(DiscountCode)
        .where(DiscountCode.id == code_id, DiscountCode.active.is_(True),
               or_(DiscountCode.starts_at.is_(None), DiscountCode.starts_at <= now),
               or_(DiscountCode.ends_at.is_(None), DiscountCode.ends_at > now),
               or_(DiscountCode.usage_limit.is_(None), DiscountCode.times_used < DiscountCode.usage_limit))
        .values(times_used=DiscountCode.times_used + 1)
        .execution_options(synchronize_session=False))
    code = db.session.get(DiscountCode, code_id, populate_existing=True)
    if result.rowcount != 1:
        raise CodeRejected(_unusable(code, code.code if code else "", now) or "That code can no longer be used.")
    email = email.strip().lower()
    if code.per_customer_limit is not None and customer_uses(code, email) >= code.per_customer_limit:
        raise CodeRejected(f"You have already used {code.code}.")
    db.session.add(DiscountRedemption(code_id=code_id, order_id=order_id, email=email, amount_cents=amount_cents))
    db.session.flush()


def release(order_id: int) -> bool:
    """Give an unpaid order's code back (expired or cancelled before payment). True when there was one."""
    redemption = db.session.scalar(select(DiscountRedemption).where(DiscountRedemption.order_id == order_id))
    if redemption is None:
        return False
    db.session.execute(update(DiscountCode).where(DiscountCode.id == redemption.code_id, DiscountCode.times_used > 0)
                       .values(times_used=DiscountCode.times_used - 1).execution_options(synchronize_session=False))
    db.session.execute(delete(DiscountRedemption).where(DiscountRedemption.id == redemption.id))
    return True


def usage_figures() -> dict[int, tuple[int, int]]:
    """code id -> (redemptions, total amount given), for the back office."""
    rows = db.session.execute(select(DiscountRedemption.code_id, func.count(), func.coalesce(
        func.sum(DiscountRedemption.amount_cents), 0)).group_by(DiscountRedemption.code_id)).all()
    return {code_id: (count, int(amount)) for code_id, count, amount in rows}


def line_for(variant, quantity: int) -> engine.LineInput:
    """A catalog variant as an engine line: its database price, weight and whether it is already reduced."""
    from store.catalog.availability import display_name
    return engine.LineInput(key=variant.id, name=display_name(variant), unit_price_cents=variant.price_cents,
                            quantity=quantity, weight_grams=variant.weight_grams or 0, on_sale=variant.on_sale)


# ------------------------------------------------------------------ zones, methods and tax

def shipping_countries() -> list[tuple[str, str]]:
    """(code, name) of every country an active zone with an active method ships to, by name."""
    return [(code, name) for code, name in db.session.execute(_shipping_countries())]


@prepared
def _shipping_countries():
    # Kept: building the relationship's EXISTS cost more than running the query (a third of the cart page).
    return (select(ShippingZoneCountry.country, ShippingZoneCountry.name)
            .join(ShippingZone, ShippingZone.id == ShippingZoneCountry.zone_id)
            .where(ShippingZone.active.is_(True), ShippingZone.methods.any(ShippingMethod.active.is_(True)))
            .order_by(ShippingZoneCountry.name))


def ships_to(country: str | None) -> bool:
    """An active zone with an active method takes this country."""
    country = (country or "").strip().upper()[:2]
    return bool(country) and any(code == country for code, _ in shipping_countries())


def shipping_countries_text() -> str:
    """"Canada, the United Kingdom and the United States": the countries we ship to, for messages."""
    names = [country_name(code, name) for code, name in shipping_countries()]
    if not names:
        return "no country yet"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def not_shipped_message(code: str | None) -> str:
    """Said wherever an address outside the shipping countries turns up (never changed silently)."""
    countries = shipping_countries()
    where = (f"We ship to {shipping_countries_text()}" if len(countries) <= 6 else
             f"We ship to the {len(countries)} countries listed in the country menu")
    return (f"{where}, and this address is in {country_name(code)}. "
            "Please enter a delivery address in one of those countries.")


def zone_for(country: str | None) -> ShippingZone | None:
    country = (country or "").strip().upper()[:2]
    return db.session.scalars(  # the zone and its methods in one query
        select(ShippingZone).join(ShippingZoneCountry).where(ShippingZoneCountry.country == country,
                                                             ShippingZone.active.is_(True))
        .options(joinedload(ShippingZone.methods))).unique().first()


def methods_for(country: str | None) -> list[ShippingMethod]:
    zone = zone_for(country)
    if zone is None:
        raise NoShipping("We don't ship to that country yet. Choose a delivery address in one of the countries "
                         "listed, or contact us.")
    methods = [m for m in zone.methods if m.active]
    if not methods:
        raise NoShipping("There is no way to ship to that country just now. Please contact us.")
    return methods


def as_rate(method: ShippingMethod) -> engine.ShippingRate:
    bands = tuple((None if limit is None else int(limit), int(price)) for limit, price in method.bands)
    return engine.ShippingRate(code=method.code, name=method.name, basis=engine.RateBasis(method.basis),
                               bands=bands, free_over_cents=method.free_over_cents)


def tax_rule(country: str | None, region: str | None = None) -> engine.TaxRule:
    """The region's rate, else the country's, else no tax."""
    country = (country or "").strip().upper()[:2]
    region = (region or "").strip().upper()[:10]
    rows = {r.region: r for r in db.session.scalars(select(TaxRate).where(
        TaxRate.country == country, TaxRate.region.in_({"", region})))}
    rate = rows.get(region) if region else None
    rate = rate or rows.get("")
    if rate is None:
        return engine.NO_TAX
    return engine.TaxRule(label=rate.label, rate_ppm=rate.rate_ppm, inclusive=rate.inclusive,
                          shipping_taxable=rate.shipping_taxable)


@dataclass
class Quote:
    order: engine.PricedOrder
    code: DiscountCode | None
    code_message: str | None          # why the typed code is not applied (None when applied or none typed)
    methods: list[ShippingMethod]
    method: ShippingMethod | None


def quote(lines: Sequence[engine.LineInput], *, currency: str, country: str | None = None,
          region: str | None = None, method_code: str | None = None, code_text: str | None = None,
          email: str | None = None, now: datetime | None = None) -> Quote:
    """Price a cart or an order. Without a country: goods, discount and no shipping or tax (the cart's estimate
    before an address is known). Raises ``NoShipping`` for a country outside every zone."""
    code = None
    message = None
    if code_text:
        try:
            code = find_code(code_text, email=email, now=now)
        except CodeRejected as exc:
            message = str(exc)
    methods, method, tax = [], None, engine.NO_TAX
    if country:
        methods = methods_for(country)
        method = next((m for m in methods if m.code == method_code), methods[0])
        tax = tax_rule(country, region)
    priced = engine.price(lines, currency=currency, discount=as_discount(code) if code else None,
                          shipping=as_rate(method) if method else None, tax=tax)
    if code is not None and priced.discount_rejection:
        message = rejection_message(code, priced.discount_rejection, currency)
        code = None
    return Quote(order=priced, code=code, code_message=message, methods=methods, method=method)


@dataclass(frozen=True)
class MoneyRow:
    key: str              # subtotal | discount | shipping | tax | total | tax_included
    label: str
    cents: int
    free: bool = False    # shipping at no charge


def money_rows(o) -> list[MoneyRow]:
    """The summary rows under an order's (or a priced cart's) lines, read from the engine's figures: every page
    and email shows the same rows. Added-on tax has its own row; VAT is inside the prices and noted after the
    total. Works on an ``engine.PricedOrder`` and on a stored ``Order`` (they share the field names)."""
    rows = [MoneyRow("subtotal", "Subtotal", o.subtotal_cents)]
    if o.discount_cents:
        rows.append(MoneyRow("discount", f"Discount ({o.discount_code})" if o.discount_code else "Discount",
                             -o.discount_cents))
    if o.shipping_name:
        label = f"Shipping ({o.shipping_name}"
        if o.shipping_discount_cents:
            label += f", free with {o.discount_code}" if o.discount_code else ", free"
        rows.append(MoneyRow("shipping", label + ")", o.shipping_charged_cents, free=o.shipping_charged_cents == 0))
    if o.tax_cents and not o.tax_inclusive:
        rows.append(MoneyRow("tax", o.tax_label or "Tax", o.tax_cents))
    rows.append(MoneyRow("total", "Total", o.total_cents))
    if o.tax_cents and o.tax_inclusive:
        rows.append(MoneyRow("tax_included", f"Includes {o.tax_label or 'VAT'}", o.tax_cents))
    return rows


def register(app) -> None:
    app.add_template_global(money_rows, "money_rows")


def code_is_current(code: DiscountCode, now: datetime | None = None) -> bool:
    return _unusable(code, code.code, now or utcnow()) is None


__all__ = ["not_shipped_message", "ships_to", "shipping_countries_text", "CodeRejected", "NoShipping", "PricingError", "Quote", "as_discount", "as_rate", "describe", "find_code",
           "methods_for", "normalize_code", "quote", "redeem", "release", "shipping_countries", "tax_rule",
           "usage_figures", "zone_for"]

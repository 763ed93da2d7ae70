"""The availability policy: the one place that answers, for a variant (or a product's variants),

- whether it can be bought at all (``is_purchasable``),
- what a shopper calls it (``display_name``),
- how many units can be bought now (``units_available``) and how many more fit a cart line (``addable_units``),
- its stock status and the wording shown for it (``stock_status``: "In stock", "Only N left", "Out of stock"),
- whether it is low on stock (``is_low_stock``, the shop's "Only N left") and whether it needs restocking
  (``needs_restock`` / ``needs_restock_clause`` for SQL, the back office's list: sold out included), both from one
  threshold: the variant's own (``Variant.low_stock_threshold``), else ``LOW_STOCK_THRESHOLD`` from config.
- the sentences a shopper reads when something cannot be bought (``unavailable_reason``, ``shortage_message``,
  ``line_problem``): "out of stock", "no longer available", "Only N of X left; you asked for Q.".

Cart, checkout, payments, guides, the back office, the inventory messages and the templates (through the
template globals this module registers) all ask here; nothing else decides these things.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import func

from store.catalog.models import Product, ProductStatus, Variant

DEFAULT_LOW_STOCK_THRESHOLD = 3


@dataclass(frozen=True)
class StockStatus:
    code: str    # "in_stock" | "low" | "out"
    label: str   # the wording a shopper sees
    schema: str  # schema.org availability URL

    @property
    def in_stock(self) -> bool:
        return self.code != "out"


def default_low_stock_threshold() -> int:
    return int(current_app.config.get("LOW_STOCK_THRESHOLD", DEFAULT_LOW_STOCK_THRESHOLD))


def low_stock_threshold(variant: Variant) -> int:
    """The variant's own threshold, or the store default when it has none."""
    if variant.low_stock_threshold is not None:
        return variant.low_stock_threshold
    return default_low_stock_threshold()


def is_purchasable(variant: Variant) -> bool:
    """A variant can be bought when it is active and its product is published (stock aside)."""
    return bool(variant.is_active and variant.product.status == ProductStatus.ACTIVE)


def display_name(variant: Variant) -> str:
    """"Product (Option)", or just the product's name for its single standard option."""
    return name_for(variant.product.name, variant.option_label)


def name_for(product_name: str, option_label: str | None) -> str:
    """The same name from copied values (an order line keeps product name and option label)."""
    option = option_shown(option_label)
    return f"{product_name} ({option})" if option else product_name


def option_shown(option_label: str | None) -> str | None:
    """The option label a shopper sees beside the product name: None for the single "Standard" option (pages
    that lay the name and the option out separately ask this instead of comparing with "Standard")."""
    return option_label if option_label and option_label != "Standard" else None


def units_available(variant: Variant) -> int:
    """Units a shopper can buy right now: on hand less reserved, and 0 for an item that is not for sale."""
    return variant.available if is_purchasable(variant) else 0


def addable_units(variant: Variant, in_cart: int, max_line: int) -> int:
    """How many more units fit a cart line that already holds ``in_cart``: the stock and the per-line limit."""
    return max(min(units_available(variant), max_line) - in_cart, 0)


# ---------------------------------------------------------------- the words a shopper reads
# One wording for the shop front, the cart, checkout and the stock service: "out of stock" (never "sold out"),
# "no longer available" for an item that is not for sale, "Only N of X left; you asked for Q." for a shortfall.

NO_LONGER_AVAILABLE = "no longer available"
OUT_OF_STOCK = "out of stock"


def unavailable_reason(variant: Variant) -> str | None:
    """Why none of it can be bought now ("no longer available", "out of stock"), or None when some can."""
    if not is_purchasable(variant):
        return NO_LONGER_AVAILABLE
    if units_available(variant) <= 0:
        return OUT_OF_STOCK
    return None


def shortage_message(name: str, available: int | None, requested: int) -> str:
    """Not enough for a request: "X is out of stock." or "Only N of X left; you asked for Q."."""
    if available is None or available <= 0:
        return f"{name} is {OUT_OF_STOCK}."
    return f"Only {available} of {name} left; you asked for {requested}."


def line_problem(variant: Variant, quantity: int) -> str | None:
    """What stops ``quantity`` of a variant from being bought as it stands (None when nothing does)."""
    name = display_name(variant)
    if not is_purchasable(variant):
        return f"{name} is {NO_LONGER_AVAILABLE}."
    available = units_available(variant)
    if available < quantity:
        return shortage_message(name, available, quantity)
    return None


def status_for(available: int, threshold: int) -> StockStatus:
    if available <= 0:
        return StockStatus("out", "Out of stock", "https://schema.org/OutOfStock")
    if available <= threshold:
        return StockStatus("low", f"Only {available} left", "https://schema.org/LimitedAvailability")
    return StockStatus("in_stock", "In stock", "https://schema.org/InStock")


def stock_status(variant: Variant) -> StockStatus:
    return status_for(units_available(variant), low_stock_threshold(variant))


def is_low_stock(variant: Variant) -> bool:
    """Low: still available, at or below its threshold (an active variant of a product not archived)."""
    return stock_status(variant).code == "low"


def needs_restock(variant: Variant) -> bool:
    """The back office's view of the same threshold: an active variant at or below its low-stock threshold,
    sold out included (those need restocking most), whatever its product's status (drafts too)."""
    return bool(variant.is_active) and variant.available <= low_stock_threshold(variant)


def needs_restock_clause():
    """``needs_restock`` as SQL, for listing what to restock: active and on hand less reserved at or below the
    variant's threshold (the store default when it has none)."""
    threshold = func.coalesce(Variant.low_stock_threshold, default_low_stock_threshold())
    return (Variant.is_active.is_(True)) & ((Variant.on_hand - Variant.reserved) <= threshold)


def sellable_variants(product: Product) -> list[Variant]:
    """A product's active variants, in display order (what its page and card offer)."""
    return [v for v in product.variants if v.is_active]


def product_stock_status(product: Product) -> StockStatus:
    """A product card's badge: the units of all its sellable variants; "Only N left" when every variant still
    in stock is low."""
    variants = sellable_variants(product) if product.status == ProductStatus.ACTIVE else []
    total = sum(v.available for v in variants)
    in_stock = [v for v in variants if v.available > 0]
    low = bool(in_stock) and all(is_low_stock(v) for v in in_stock)
    return status_for(total, total if low else 0)


@dataclass(frozen=True)
class CardOffer:
    """What a product card shows of its offer, worked out in one pass over the variants (a template's chains
    of filters cost several times more): the lowest price, whether prices vary ("From"), a sale, the badge."""
    price_cents: int | None
    varies: bool
    on_sale: bool
    status: StockStatus


def card_offer(product: Product) -> CardOffer:
    active = sellable_variants(product)
    prices = [v.price_cents for v in active]
    return CardOffer(min(prices) if prices else None, bool(prices) and min(prices) != max(prices),
                     any(v.on_sale for v in active), product_stock_status(product))


def first_in_stock(variants: Iterable[Variant]) -> Variant | None:
    """The first variant a shopper could buy now (a guide's "add all" picks this one)."""
    return next((v for v in variants if units_available(v) > 0), None)


def register(app: Flask) -> None:
    """Template globals: templates ask the policy instead of repeating its rules."""
    app.add_template_global(stock_status, "stock_status")
    app.add_template_global(product_stock_status, "product_stock_status")
    app.add_template_global(card_offer, "card_offer")
    app.add_template_global(is_low_stock, "is_low_stock")
    app.add_template_global(display_name, "display_name")
    app.add_template_global(option_shown, "option_shown")
    app.add_template_global(units_available, "units_available")
    app.add_template_global(addable_units, "addable_units")

"""The availability policy (store/catalog/availability.py): what can be bought, under which name, how many,
and the stock wording a shopper reads, at the boundaries. Variants are plain objects (no database) except
where the SQL form of the low-stock rule is compared with the Python one."""
from __future__ import annotations

import pytest
from flask import render_template_string
from sqlalchemy import select

from store.catalog import availability as av
from store.catalog.models import Product, ProductStatus, Variant
from tests.factories import make_product

THRESHOLD = 3  # TestingConfig's LOW_STOCK_THRESHOLD


def _product(status=ProductStatus.ACTIVE, name="Calm Body Oil") -> Product:
    return Product(name=name, slug="calm-body-oil", kind="oil", status=str(status))


def _variant(on_hand=10, reserved=0, *, label="Standard", active=True, threshold=None, product=None) -> Variant:
    variant = Variant(sku=f"SKU-{on_hand}-{reserved}-{label}", option_label=label, price_cents=1000,
                      on_hand=on_hand, reserved=reserved, is_active=active, low_stock_threshold=threshold)
    variant.product = product if product is not None else _product()
    return variant


@pytest.fixture
def ctx(app_ctx):
    assert app_ctx.config["LOW_STOCK_THRESHOLD"] == THRESHOLD
    return app_ctx


# ---------------------------------------------------------------- can it be bought

@pytest.mark.parametrize("status,active,expected", [
    (ProductStatus.ACTIVE, True, True),
    (ProductStatus.ACTIVE, False, False),
    (ProductStatus.DRAFT, True, False),
    (ProductStatus.ARCHIVED, True, False),
])
def test_purchasable_needs_an_active_variant_of_a_published_product(status, active, expected):
    variant = _variant(on_hand=5, active=active, product=_product(status))
    assert av.is_purchasable(variant) is expected
    # Stock an item that is not for sale cannot be bought: none of it counts.
    assert av.units_available(variant) == (5 if expected else 0)


def test_units_available_is_on_hand_less_reserved_and_never_negative():
    assert av.units_available(_variant(on_hand=7, reserved=3)) == 4
    assert av.units_available(_variant(on_hand=3, reserved=3)) == 0
    assert av.units_available(_variant(on_hand=0, reserved=0)) == 0


def test_unavailable_reason_names_why_none_can_be_bought():
    assert av.unavailable_reason(_variant(on_hand=2)) is None
    assert av.unavailable_reason(_variant(on_hand=4, reserved=4)) == "out of stock"
    assert av.unavailable_reason(_variant(on_hand=4, active=False)) == "no longer available"
    assert av.unavailable_reason(_variant(on_hand=0, product=_product(ProductStatus.ARCHIVED))) == \
        "no longer available"


# ---------------------------------------------------------------- names

def test_display_name_leaves_out_the_standard_option():
    assert av.display_name(_variant(label="Standard")) == "Calm Body Oil"
    assert av.display_name(_variant(label="50 ml")) == "Calm Body Oil (50 ml)"
    assert av.name_for("Cedar Roller", None) == "Cedar Roller"
    assert av.name_for("Cedar Roller", "") == "Cedar Roller"
    assert av.name_for("Cedar Roller", "Large") == "Cedar Roller (Large)"
    assert av.option_shown("Standard") is None and av.option_shown(None) is None
    assert av.option_shown("100 ml") == "100 ml"


def test_shopper_messages():
    assert av.shortage_message("Calm Body Oil (50 ml)", 0, 2) == "Calm Body Oil (50 ml) is out of stock."
    assert av.shortage_message("Roller", None, 1) == "Roller is out of stock."
    assert av.shortage_message("Roller", 2, 5) == "Only 2 of Roller left; you asked for 5."
    assert av.line_problem(_variant(on_hand=5, label="50 ml"), 5) is None
    assert av.line_problem(_variant(on_hand=5, label="50 ml"), 6) == \
        "Only 5 of Calm Body Oil (50 ml) left; you asked for 6."
    assert av.line_problem(_variant(on_hand=5, reserved=5), 1) == "Calm Body Oil is out of stock."
    assert av.line_problem(_variant(on_hand=5, active=False), 1) == "Calm Body Oil is no longer available."


# ---------------------------------------------------------------- statuses at the boundaries

@pytest.mark.parametrize("on_hand,reserved,code,label,schema", [
    (0, 0, "out", "Out of stock", "https://schema.org/OutOfStock"),
    (5, 5, "out", "Out of stock", "https://schema.org/OutOfStock"),
    (1, 0, "low", "Only 1 left", "https://schema.org/LimitedAvailability"),
    (3, 0, "low", "Only 3 left", "https://schema.org/LimitedAvailability"),   # at the threshold: low
    (9, 6, "low", "Only 3 left", "https://schema.org/LimitedAvailability"),   # reserved units do not count
    (4, 0, "in_stock", "In stock", "https://schema.org/InStock"),             # one above: in stock
    (500, 0, "in_stock", "In stock", "https://schema.org/InStock"),
])
def test_stock_status_at_the_default_threshold(ctx, on_hand, reserved, code, label, schema):
    status = av.stock_status(_variant(on_hand, reserved))
    assert (status.code, status.label, status.schema) == (code, label, schema)
    assert status.in_stock is (code != "out")
    assert av.is_low_stock(_variant(on_hand, reserved)) is (code == "low")


def test_a_variants_own_threshold_wins_over_the_default(ctx):
    assert av.stock_status(_variant(on_hand=5, threshold=5)).label == "Only 5 left"
    assert av.stock_status(_variant(on_hand=6, threshold=5)).code == "in_stock"
    # A threshold of 0 never says "Only N left"; sold out is still sold out.
    assert av.stock_status(_variant(on_hand=1, threshold=0)).code == "in_stock"
    assert av.stock_status(_variant(on_hand=0, threshold=0)).code == "out"


def test_without_its_own_threshold_a_variant_follows_the_configured_default(ctx):
    variant = _variant(on_hand=3, threshold=None)
    assert av.low_stock_threshold(variant) == THRESHOLD and av.is_low_stock(variant)
    ctx.config["LOW_STOCK_THRESHOLD"] = 2
    try:
        assert av.low_stock_threshold(variant) == 2
        assert av.stock_status(variant).code == "in_stock"
        assert av.stock_status(_variant(on_hand=2, threshold=None)).label == "Only 2 left"
    finally:
        ctx.config["LOW_STOCK_THRESHOLD"] = THRESHOLD


def test_an_item_not_for_sale_reads_out_of_stock_and_is_never_low(ctx):
    variant = _variant(on_hand=2, active=False)
    assert av.stock_status(variant).code == "out" and not av.is_low_stock(variant)


def test_restock_sql_clause_agrees_with_needs_restock(db):
    product = make_product(variants=[{"sku": f"LOW-{n}", "on_hand": n} for n in (0, 1, 3, 4, 12)])
    product.variants[4].low_stock_threshold = 12
    db.session.flush()
    in_sql = set(db.session.scalars(select(Variant.sku).where(Variant.product_id == product.id,
                                                              av.needs_restock_clause())))
    in_python = {v.sku for v in product.variants if av.needs_restock(v)}
    assert in_sql == in_python == {"LOW-0", "LOW-1", "LOW-3", "LOW-12"}
    # The shop front calls the in-stock ones low; the sold-out one is "Out of stock".
    assert {v.sku for v in product.variants if av.is_low_stock(v)} == {"LOW-1", "LOW-3", "LOW-12"}


# ---------------------------------------------------------------- how many fit a cart line

@pytest.mark.parametrize("on_hand,in_cart,max_line,expected", [
    (5, 0, 10, 5),     # stock limits
    (5, 2, 10, 3),
    (50, 2, 10, 8),    # the per-line limit limits
    (50, 10, 10, 0),
    (5, 7, 10, 0),     # already more than the stock: nothing more, never negative
    (0, 0, 10, 0),
])
def test_addable_units(on_hand, in_cart, max_line, expected):
    assert av.addable_units(_variant(on_hand=on_hand), in_cart, max_line) == expected


def test_nothing_is_addable_of_an_item_not_for_sale():
    assert av.addable_units(_variant(on_hand=9, active=False), 0, 10) == 0
    assert av.addable_units(_variant(on_hand=9, product=_product(ProductStatus.DRAFT)), 0, 10) == 0


def test_first_in_stock_skips_what_cannot_be_bought():
    gone, inactive, ok = _variant(on_hand=0), _variant(on_hand=5, active=False), _variant(on_hand=2)
    assert av.first_in_stock([gone, inactive, ok]) is ok
    assert av.first_in_stock([gone, inactive]) is None


# ---------------------------------------------------------------- a product card's badge

def _product_with(*specs, status=ProductStatus.ACTIVE) -> Product:
    product = _product(status)
    for on_hand, active in specs:
        _variant(on_hand=on_hand, active=active, product=product)  # joins product.variants (back-populates)
    assert len(product.variants) == len(specs)
    return product


@pytest.mark.parametrize("specs,label", [
    ([(10, True), (2, True)], "In stock"),           # one variant still well stocked
    ([(2, True), (1, True)], "Only 3 left"),         # every variant in stock is low: the total
    ([(0, True), (2, True)], "Only 2 left"),         # sold-out variants do not make it "In stock"
    ([(0, True), (0, True)], "Out of stock"),
    ([(2, True), (40, False)], "Only 2 left"),       # inactive variants are not offered
    ([(4, True)], "In stock"),
])
def test_product_badge(ctx, specs, label):
    assert av.product_stock_status(_product_with(*specs)).label == label


def test_product_badge_of_an_unpublished_product_is_out_of_stock(ctx):
    assert av.product_stock_status(_product_with((10, True), status=ProductStatus.ARCHIVED)).code == "out"


@pytest.mark.parametrize("on_hand,html", [
    (0, '<span class="stock stock--out">Out of stock</span>'),
    (2, '<span class="stock stock--low">Only 2 left</span>'),
    (9, '<span class="stock stock--in">In stock</span>'),
])
def test_stock_badge_macro_renders_the_policys_status(ctx, on_hand, html):
    with ctx.test_request_context():
        rendered = render_template_string('{% import "_macros.html" as m %}{{ m.stock_badge(stock_status(v)) }}',
                                          v=_variant(on_hand=on_hand))
    assert rendered.strip() == html


# ---------------------------------------------------------------- a card's offer, in one pass

def _card(*variants) -> Product:
    product = _product()
    for v in variants:
        v.product = product
    return product


def test_card_offer_lowest_price_from_and_sale(ctx):
    cheap = _variant(5, label="Small")
    cheap.price_cents, cheap.compare_at_cents = 900, 1200
    dear = _variant(5, label="Large")
    dear.price_cents = 1500
    hidden = _variant(5, label="Old", active=False)
    hidden.price_cents = 100  # inactive: neither its price nor its stock counts
    offer = av.card_offer(_card(cheap, dear, hidden))
    assert (offer.price_cents, offer.varies, offer.on_sale) == (900, True, True)
    assert offer.status == av.product_stock_status(cheap.product)
    assert offer.status.label == "In stock"


def test_card_offer_one_price_no_sale_and_sold_out(ctx):
    a, b = _variant(0, label="A"), _variant(0, label="B")
    offer = av.card_offer(_card(a, b))
    assert (offer.price_cents, offer.varies, offer.on_sale) == (1000, False, False)
    assert offer.status.code == "out"


def test_card_offer_without_sellable_variants(ctx):
    offer = av.card_offer(_card(_variant(5, active=False)))
    assert offer.price_cents is None and not offer.varies and not offer.on_sale
    assert offer.status.code == "out"


def test_card_shows_the_offer(ctx):
    cheap = _variant(2, label="Small")
    cheap.price_cents, cheap.compare_at_cents = 900, 1200
    dear = _variant(2, label="Large")
    dear.price_cents = 1500
    product = _card(cheap, dear)
    product.images = []
    with ctx.test_request_context("/"):
        html = render_template_string('{% from "_macros.html" import card_grid %}{{ card_grid([p]) }}', p=product)
    assert "From $9.00" in html and "badge--sale" in html and "Only 4 left" in html

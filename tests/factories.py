"""Test data builders, the one home for them: catalog (categories, products with variants and stock), safety
disclaimers, users and their addresses, orders (placed through checkout, paid, or a bare row for state tests),
and image bytes. Each returns a flushed object; tests commit when they need to (place_order and pay_order run
the real use cases, which commit).

Fixtures stay in the conftest files; they call these builders.
"""
from __future__ import annotations

import io
import itertools

from werkzeug.security import generate_password_hash

from store.accounts.models import Address, User
from store.catalog import services as catalog
from store.catalog.models import Category, Product, ProductImage, ProductStatus, Variant
from store.checkout.services import ShippingAddress
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from store.orders.models import Order
from store.safety.models import DisclaimerKind
from store.safety.services import new_disclaimer_version

_seq = itertools.count(1)


def make_disclaimers(product_body: str = "These tools support general self-care. They do not diagnose or treat "
                                         "any condition. Stop if pain increases.",
                     guide_body: str = "This guide is educational and not medical advice.", *, pricing: bool = True):
    """The store's published basics: the safety disclaimers and (unless ``pricing=False``) the demo pricing
    tables (shipping zones US, CA, GB, EU; tax rates; WELCOME10) that checkout needs."""
    product = new_disclaimer_version(DisclaimerKind.PRODUCT, "Safety first", product_body, commit=False)
    guide = new_disclaimer_version(DisclaimerKind.GUIDE, "Educational content, not medical advice", guide_body,
                                   commit=False)
    if pricing:
        from store.pricing.seed import seed_pricing
        seed_pricing()
    db.session.flush()
    return product, guide


def make_category(name: str | None = None, slug: str | None = None) -> Category:
    n = next(_seq)
    name = name or f"Category {n}"
    category = Category(name=name, slug=slug or f"category-{n}", description=f"About {name}.")
    db.session.add(category)
    db.session.flush()
    return category


def make_product(name: str | None = None, *, slug: str | None = None, category: Category | None = None,
                 status: str = ProductStatus.ACTIVE, warnings: str = "Do not use over bruises.\nStop if pain increases.",
                 variants: list[dict] | None = None, kind: str = "tool", featured: bool = False,
                 summary: str | None = None, description: str = "A **sturdy** tool.", index: bool = True,
                 ingredients: list[tuple] | None = None) -> Product:
    """``ingredients``: (INCI name, common name, percent) tuples; an oil gets sunflower seed oil by default (an
    oil cannot be published without its ingredient list)."""
    n = next(_seq)
    name = name or f"Test Product {n}"
    product = Product(name=name, slug=slug or f"test-product-{n}", kind=kind, summary=summary or f"{name} summary.",
                      warnings=warnings, featured=featured, category=category, status=ProductStatus.DRAFT)
    catalog.set_description(product, description)
    if ingredients is None and kind == "oil":
        ingredients = [("Helianthus Annuus Seed Oil", "Sunflower seed oil", None)]
    if ingredients:
        catalog.set_ingredients(product, [{"inci_name": i, "common_name": c, "percent": p}
                                          for i, c, p in ingredients])
    product.images.append(ProductImage(path="img/products/placeholder.svg", alt_text=f"Picture of {name}"))
    for position, v in enumerate(variants or [{"price_cents": 1999, "on_hand": 10}]):
        product.variants.append(Variant(
            sku=v.get("sku", f"SKU-{n}-{position}"), option_label=v.get("label", "Standard"),
            price_cents=v.get("price_cents", 1999), compare_at_cents=v.get("compare_at_cents"),
            weight_grams=v.get("weight_grams", 0),
            on_hand=0, position=position, is_active=v.get("is_active", True)))
    db.session.add(product)
    db.session.flush()
    for v, variant in zip(variants or [{"on_hand": 10}], product.variants):
        if v.get("on_hand", 10):
            inventory.adjust(variant.id, v.get("on_hand", 10), MovementKind.INITIAL)
    db.session.refresh(product)
    if status != ProductStatus.DRAFT:
        catalog.set_status(product, status)
    db.session.flush()
    if index:
        catalog.reindex_product(product)
    return product


# ------------------------------------------------------------------ people

DEFAULT_PASSWORD = "correct horse battery"


def make_user(email: str = "shopper@example.com", password: str = DEFAULT_PASSWORD, role: str = "customer",
              name: str = "Sam Shopper") -> User:
    """role: customer, owner, staff or readonly; "admin" (the tests written before roles) means owner."""
    role = "owner" if role == "admin" else role
    user = User(email=email.lower(), name=name, role=role, password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    return user


def make_address(user_id: int, *, full_name: str = "Robin Reader", line1: str = "12 Elm Street", line2: str = "",
                 city: str = "Springfield", region: str = "IL", postal_code: str = "62701", country: str = "US",
                 phone: str = "", is_default: bool = True) -> Address:
    """A saved address, written directly (so a test can also hold one the address form would refuse)."""
    address = Address(user_id=user_id, full_name=full_name, line1=line1, line2=line2, city=city, region=region,
                      postal_code=postal_code, country=country, phone=phone, is_default=is_default)
    db.session.add(address)
    db.session.flush()
    return address


# ------------------------------------------------------------------ orders

ADDRESS = ShippingAddress(name="Robin Reader", line1="12 Elm Street", city="Springfield", region="IL",
                          postal_code="62701", country="US")


def place_order(lines, email: str = "buyer@example.com", user_id: int | None = None, *, address=ADDRESS,
                **kwargs) -> Order:
    """An order placed through checkout (committed, stock reserved), acknowledging the current disclaimer.
    ``lines`` are (variant id, quantity) pairs; kwargs go to place_order (payment_provider, actor)."""
    from store.checkout import services as checkout
    from store.safety.services import current_disclaimer

    disclaimer = current_disclaimer("product")
    kwargs.setdefault("shipping_method", "standard")
    return checkout.place_order(email=email, user_id=user_id, address=address,
                                disclaimer_id=disclaimer.id, disclaimer_version=disclaimer.version,
                                lines=lines, **kwargs)


def pay_order(order: Order, actor: str = "test"):
    """Pay an order as a verified (demo) payment does; returns the FulfilResult."""
    from store.checkout import services as checkout
    return checkout.fulfil_order(order.id, checkout.PaymentData.demo(order), actor=actor)


def make_order(payment_status: str = "pending", fulfilment_status: str = "unfulfilled", *, number: str | None = None,
               email: str = "a@example.com", total_cents: int = 100, **fields) -> Order:
    """A bare order row without lines or stock (for state-machine tests)."""
    order = Order(number=number or f"KW-TEST-{next(_seq):04d}", email=email, payment_status=payment_status,
                  fulfilment_status=fulfilment_status, total_cents=total_cents, **fields)
    db.session.add(order)
    db.session.flush()
    return order


# ------------------------------------------------------------------ files

def png_bytes(size=(900, 700), color=(200, 120, 60)) -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()

"""Cart rules: add, change, remove, clear, merge on sign-in, summarise with current prices, purge old guests.

Services take explicit arguments (user id, guest token, limits) and never read the request. Every mutating
service runs as one ``store.db.transaction()``: it validates, changes the cart and commits once; on any error
everything is rolled back and a ``CartError`` whose message can be shown to the shopper is raised, so the cart
is left exactly as it was. What can be bought, how many and under which name is the availability policy's
answer (``store.catalog.availability``).

Prices always come from the database: a line remembers the price the shopper saw when adding
(``unit_price_cents_at_add``) only to say "price changed since you added it".
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from store.cart.models import Cart, CartLine
from store.catalog.availability import (
    addable_units, display_name, is_purchasable, shortage_message, unavailable_reason, units_available,
)
from store.catalog.models import Product, Variant
from store.countries import country_name
from store.db import transaction
from store.extensions import db
from store.pricing import engine
from store.pricing import services as pricing
from store.util import int_in_range, utcnow

# Quantities above this are nonsense whatever the configured per-line limit (guards int overflow in SQL).
HARD_MAX_QUANTITY = 10_000


class CartError(Exception):
    """A problem the shopper can be told about; the cart is unchanged."""


class InvalidQuantity(CartError):
    pass


class NotAvailable(CartError):
    """Unknown, inactive, archived, draft or out-of-stock item, or not enough of it left."""


class LineNotFound(CartError):
    """The line is not in this cart (never reveal whether it exists in someone else's)."""


# ---------------------------------------------------------------- reading

def _with_lines(stmt):
    """Cart -> lines -> variant -> product (joined) -> images: four queries whatever the number of lines."""
    return stmt.options(
        selectinload(Cart.lines)
        .selectinload(CartLine.variant)
        .joinedload(Variant.product)
        .selectinload(Product.images)
    )


def get_cart(user_id: int | None, token: str | None) -> Cart | None:
    """The signed-in user's cart, or the guest cart for this token (never a user's cart by token)."""
    if user_id is not None:
        stmt = select(Cart).where(Cart.user_id == user_id)
    elif token:
        stmt = select(Cart).where(Cart.token == token, Cart.user_id.is_(None))
    else:
        return None
    return db.session.scalars(_with_lines(stmt)).first()


def get_or_create_cart(user_id: int | None, token: str | None) -> Cart:
    if user_id is None and not token:
        raise ValueError("a cart needs a user id or a guest token")
    cart = get_cart(user_id, token)
    if cart is not None:
        return cart
    cart = Cart(user_id=user_id, token=None if user_id is not None else token)
    try:
        with transaction():
            db.session.add(cart)
    except IntegrityError:
        # Two requests created it at once (rolled back already): use the one that won.
        cart = get_cart(user_id, token)
        if cart is None:
            raise
    return cart


def count_items(user_id: int | None, token: str | None) -> int:
    """Total quantity in the cart: one small query (the header's mini-cart)."""
    stmt = select(func.coalesce(func.sum(CartLine.quantity), 0)).join(Cart, Cart.id == CartLine.cart_id)
    if user_id is not None:
        stmt = stmt.where(Cart.user_id == user_id)
    elif token:
        stmt = stmt.where(Cart.token == token, Cart.user_id.is_(None))
    else:
        return 0
    return int(db.session.scalar(stmt) or 0)


@dataclass
class CartLineView:
    line: CartLine
    variant: Variant
    product: Product
    quantity: int
    unit_price_cents: int          # current price from the database
    line_total_cents: int
    price_changed: bool            # differs from line.unit_price_cents_at_add
    available: int                 # 0 when the item can no longer be bought
    short: bool                    # available < quantity
    purchasable: bool = True       # product active and variant active

    @property
    def previous_price_cents(self) -> int:
        return self.line.unit_price_cents_at_add

    @property
    def image(self):
        return self.product.primary_image


@dataclass
class CartSummary:
    lines: list[CartLineView] = field(default_factory=list)
    subtotal_cents: int = 0
    item_count: int = 0
    has_problems: bool = False
    cart: Cart | None = None

    @property
    def is_empty(self) -> bool:
        return not self.lines


def summarize(cart: Cart | None, held: dict[int, int] | None = None) -> CartSummary:
    """Lines with current prices and stock; no queries beyond what get_cart loaded. ``held``: units this cart's
    own order awaiting payment reserves ({variant id: quantity}), which are the shopper's, not "gone"."""
    if cart is None:
        return CartSummary()
    held = held or {}
    views = []
    for line in cart.lines:
        variant = line.variant
        purchasable = is_purchasable(variant)
        available = units_available(variant) + (held.get(variant.id, 0) if purchasable else 0)
        price = variant.price_cents
        views.append(CartLineView(
            line=line, variant=variant, product=variant.product, quantity=line.quantity,
            unit_price_cents=price, line_total_cents=price * line.quantity,
            price_changed=price != line.unit_price_cents_at_add, available=available,
            short=available < line.quantity, purchasable=purchasable))
    return CartSummary(
        lines=views, subtotal_cents=sum(v.line_total_cents for v in views),
        item_count=sum(v.quantity for v in views),
        has_problems=any(v.short or not v.purchasable for v in views), cart=cart)


# ---------------------------------------------------------------- pricing (the engine's figures for the cart page)

def pricing_lines(summary: CartSummary) -> list[engine.LineInput]:
    """The cart's buyable lines as the engine takes them (current database prices)."""
    return [pricing.line_for(view.variant, view.quantity) for view in summary.lines if view.purchasable]


@dataclass
class CartPricing:
    """What the cart page shows of the money: the engine's figures for the lines, the code and, for the
    estimate country, standard shipping and tax. ``quote`` is None for an empty cart."""
    quote: pricing.Quote | None
    country: str = ""
    country_label: str = ""
    code: str | None = None              # the code the cart carries (applied or not)
    code_message: str | None = None      # why it does not apply now
    no_shipping: str | None = None       # the estimate country is outside every zone
    code_description: str | None = None

    @property
    def order(self) -> engine.PricedOrder | None:
        return self.quote.order if self.quote else None


def price_cart(cart: Cart | None, summary: CartSummary, *, currency: str, country: str | None,
               region: str | None = None, email: str | None = None,
               countries: list[tuple[str, str]] | None = None) -> CartPricing:
    """The cart priced by the engine: discount (the cart's code, checked again now), and for ``country`` the
    zone's first method and the tax rule, as an estimate (checkout prices the real address)."""
    code = cart.discount_code if cart is not None else None
    lines = pricing_lines(summary)
    if not lines:
        return CartPricing(quote=None, code=code)
    names = dict(pricing.shipping_countries() if countries is None else countries)
    label = country_name(country, names[country.upper()]) if country and country.upper() in names else ""
    no_shipping = None
    try:
        quote = pricing.quote(lines, currency=currency, country=country or None, region=region,
                              code_text=code, email=email)
    except pricing.NoShipping as exc:
        no_shipping = str(exc)
        quote = pricing.quote(lines, currency=currency, code_text=code, email=email)
    return CartPricing(quote=quote, country=(country or "").upper(), country_label=label, code=code,
                       code_message=quote.code_message, no_shipping=no_shipping,
                       code_description=pricing.describe(quote.code, currency) if quote.code else None)


def apply_code(cart: Cart, text: str | None, summary: CartSummary, *, currency: str, email: str | None) -> str:
    """Put a discount code on the cart (one per order: it replaces any other). Raises CartError with the
    reason when it is unknown, not current, used up, already used by this customer, or does not fit this cart
    (minimum, items already reduced); the cart is then unchanged. Returns the code as stored."""
    lines = pricing_lines(summary)
    if not lines:
        raise CartError("Add something to your cart before entering a code.")
    try:
        code = pricing.find_code(text, email=email)
    except pricing.CodeRejected as exc:
        raise CartError(str(exc)) from None
    quote = pricing.quote(lines, currency=currency, code_text=code.code, email=email)
    if quote.code is None:
        raise CartError(quote.code_message or f"{code.code} cannot be used on this cart.")
    with _use_case():
        cart.discount_code = code.code
        _touch(cart)
    return code.code


def remove_code(cart: Cart) -> None:
    with _use_case():
        cart.discount_code = None
        _touch(cart)


# ---------------------------------------------------------------- validation helpers

def parse_quantity(raw) -> int:
    """Form text -> int, or InvalidQuantity with a message a shopper understands."""
    if isinstance(raw, bool):
        raise InvalidQuantity("Please enter a whole number for the quantity.")
    if isinstance(raw, int):
        return raw
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 12 or not text.lstrip("+-").isdigit() or not text.lstrip("+-").isascii():
        raise InvalidQuantity("Please enter a whole number for the quantity.")
    return int(text)


def _check_quantity(quantity, max_line: int) -> int:
    quantity = parse_quantity(quantity)
    if quantity < 1:
        raise InvalidQuantity("The quantity must be at least 1. To take an item out, use Remove.")
    if quantity > min(max_line, HARD_MAX_QUANTITY):
        raise InvalidQuantity(f"You can order at most {max_line} of one item.")
    return quantity


def check_addable(variant_id, quantity, max_line: int) -> Variant:
    """Validate an add before any cart exists (so bad input never creates an empty cart). No writes."""
    _check_quantity(quantity, max_line)
    variant = _load_variant(variant_id)
    _check_purchasable(variant)
    return variant


def _load_variant(variant_id) -> Variant:
    vid = int_in_range(variant_id)
    variant = None
    if vid is not None:
        variant = db.session.scalars(
            select(Variant).options(joinedload(Variant.product)).where(Variant.id == vid)).first()
    if variant is None:
        raise NotAvailable("We could not find that item. It may have been removed from the shop.")
    return variant


def _check_purchasable(variant: Variant) -> None:
    reason = unavailable_reason(variant)
    if reason is not None:
        raise NotAvailable(f"Sorry, {display_name(variant)} is {reason}.")


def _find_line(cart: Cart, line_id) -> CartLine:
    lid = int_in_range(line_id)
    for line in cart.lines:
        if line.id == lid:
            return line
    raise LineNotFound("That item is not in your cart.")


def _touch(cart: Cart) -> None:
    cart.updated_at = utcnow()


CONCURRENT_CHANGE = "Your cart changed at the same time in another window. Please try again."


@contextmanager
def _use_case() -> Iterator[None]:
    """One cart use case as one transaction (committed at the end, rolled back on any error); a unique-constraint
    race is told to the shopper, translated outside the transaction (already rolled back by then)."""
    try:
        with transaction():
            yield
    except IntegrityError as exc:
        raise CartError(CONCURRENT_CHANGE) from exc


# ---------------------------------------------------------------- writing

def add_item(cart: Cart, variant_id, quantity, max_line: int, held: dict[int, int] | None = None) -> CartLine:
    """Add quantity of a variant (adds to an existing line). The total must fit the stock and the limit; units
    the cart's own order awaiting payment holds (``held``) count as the shopper's."""
    held = held or {}
    with _use_case():
        quantity = _check_quantity(quantity, max_line)
        variant = _load_variant(variant_id)
        _check_purchasable(variant)
        line = next((ln for ln in cart.lines if ln.variant_id == variant.id), None)
        current = line.quantity if line else 0
        total = current + quantity
        own = held.get(variant.id, 0)
        if quantity > max(min(units_available(variant) + own, max_line) - current, 0):
            label = display_name(variant)
            if total > max_line:
                room = max_line - current
                raise InvalidQuantity(
                    f"You can order at most {max_line} of {label}; you already have {current} in your cart"
                    + (f", so you can add {room} more." if room > 0 else "."))
            left = units_available(variant) + own
            raise NotAvailable(f"Only {left} of {label} left and {current} already in your cart." if current
                               else shortage_message(label, left, quantity))
        if line is None:
            line = CartLine(variant=variant, quantity=total, unit_price_cents_at_add=variant.price_cents)
            cart.lines.append(line)
        else:
            line.quantity = total
            line.unit_price_cents_at_add = variant.price_cents  # the shopper just saw today's price
        _touch(cart)
    return line


@dataclass
class AddManyResult:
    added: list[str] = field(default_factory=list)     # product labels
    skipped: list[str] = field(default_factory=list)   # "label: reason"


def add_many(cart: Cart, variant_ids, max_line: int) -> AddManyResult:
    """Add one of each variant not already in the cart (a guide's "add all tools"). Items that cannot be
    added are skipped and reported; when none can be added NotAvailable is raised and nothing changes."""
    with _use_case():
        ids = []
        for raw in variant_ids or []:
            vid = int_in_range(raw)
            if vid is None:
                raise NotAvailable("We could not find one of those items.")
            if vid not in ids:
                ids.append(vid)
        if not ids:
            raise CartError("There was nothing to add.")
        if len(ids) > 50:
            raise CartError("That is too many items to add at once.")
        variants = {v.id: v for v in db.session.scalars(
            select(Variant).options(joinedload(Variant.product)).where(Variant.id.in_(ids)))}
        in_cart = {ln.variant_id for ln in cart.lines}
        result = AddManyResult()
        for vid in ids:
            variant = variants.get(vid)
            if variant is None:
                result.skipped.append("An item that is no longer in the shop")
                continue
            label = display_name(variant)
            reason = unavailable_reason(variant)
            if vid in in_cart:
                result.skipped.append(f"{label}: already in your cart")
            elif reason is not None:
                result.skipped.append(f"{label}: {reason}")
            elif max_line < 1:
                result.skipped.append(f"{label}: over the per-item limit")
            else:
                cart.lines.append(CartLine(variant=variant, quantity=1,
                                           unit_price_cents_at_add=variant.price_cents))
                in_cart.add(vid)
                result.added.append(label)
        if not result.added:
            raise NotAvailable("Nothing was added: " + "; ".join(result.skipped) + ".")
        _touch(cart)
    return result


def set_quantity(cart: Cart, line_id, quantity, max_line: int) -> CartLine:
    with _use_case():
        line = _find_line(cart, line_id)
        quantity = _check_quantity(quantity, max_line)
        variant = line.variant
        label = display_name(variant)
        if not is_purchasable(variant):
            raise NotAvailable(f"{label} is no longer available; please remove it from your cart.")
        left = units_available(variant)
        if quantity > left:
            raise NotAvailable(shortage_message(label, left, quantity) if left > 0
                               else f"Sorry, {shortage_message(label, left, quantity)}")
        line.quantity = quantity
        _touch(cart)
    return line


def adjust_line(cart: Cart, line_id, max_line: int) -> int:
    """Fit a line to what can be bought now ("only N left: adjust"). Returns the new quantity; 0 means the
    line was removed because the item is sold out or no longer sold."""
    with _use_case():
        line = _find_line(cart, line_id)
        target = min(line.quantity, addable_units(line.variant, 0, max_line))
        if target <= 0:
            cart.lines.remove(line)
            db.session.delete(line)
        else:
            line.quantity = target
        _touch(cart)
    return max(target, 0)


def remove_line(cart: Cart, line_id) -> None:
    with _use_case():
        line = _find_line(cart, line_id)
        cart.lines.remove(line)
        db.session.delete(line)
        _touch(cart)


def clear_cart(cart: Cart) -> None:
    with _use_case():
        for line in list(cart.lines):
            db.session.delete(line)
        cart.lines.clear()
        _touch(cart)


def _merge_lines(guest: Cart, user_cart: Cart, max_line: int) -> list[str]:
    notes = []
    by_variant = {ln.variant_id: ln for ln in user_cart.lines}
    for gl in list(guest.lines):
        variant = gl.variant
        label = display_name(variant)
        cap = addable_units(variant, 0, max_line)  # what one line may hold now: stock and the per-line limit
        existing = by_variant.get(variant.id)
        wanted = gl.quantity + (existing.quantity if existing else 0)
        if existing is not None:
            target = min(wanted, cap)
            if target > existing.quantity:
                existing.quantity = target
            if target < wanted:
                notes.append(f"{label}: you now have {existing.quantity} "
                             f"(limited by {'stock' if cap < max_line else 'the per-item limit'}).")
        else:
            target = min(wanted, cap)
            if target > 0:
                new = CartLine(variant=variant, quantity=target,
                               unit_price_cents_at_add=gl.unit_price_cents_at_add)
                user_cart.lines.append(new)
                by_variant[variant.id] = new
                if target < wanted:
                    notes.append(f"{label}: only {target} could be kept "
                                 f"(limited by {'stock' if cap < max_line else 'the per-item limit'}).")
            else:
                notes.append(f"{label} was left out: it is no longer available.")
    return notes


def merge_carts(guest: Cart | None, user_cart: Cart, max_line: int) -> list[str]:
    """Move a guest cart's lines into the user's cart: quantities add up, capped by what is available and
    the per-line limit; unavailable items are dropped. The guest cart is deleted. Returns notes for the
    shopper about anything that was capped or dropped."""
    if guest is None or guest.id == user_cart.id:
        return []
    with _use_case():
        notes = _merge_lines(guest, user_cart, max_line)
        if guest.discount_code and not user_cart.discount_code:
            user_cart.discount_code = guest.discount_code
        db.session.delete(guest)
        _touch(user_cart)
        db.session.flush()
    return notes


def claim_guest_cart(token: str | None, user_id: int, max_line: int) -> list[str]:
    """On sign-in or sign-up: the guest cart becomes the user's cart (when the user has none) or is merged
    into it. Returns notes for the shopper."""
    guest = get_cart(None, token) if token else None
    if guest is None:
        return []
    user_cart = get_cart(user_id, None)
    if user_cart is None:
        with _use_case():
            guest.user_id, guest.token = user_id, None
            _touch(guest)
        return []
    return merge_carts(guest, user_cart, max_line)


def purge_guest_carts(older_than_days: int) -> int:
    """Delete guest carts untouched for older_than_days days. Returns how many were deleted."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    cutoff = utcnow() - timedelta(days=older_than_days)
    old = select(Cart.id).where(Cart.user_id.is_(None), Cart.updated_at < cutoff)
    with transaction():
        db.session.execute(delete(CartLine).where(CartLine.cart_id.in_(old))
                           .execution_options(synchronize_session=False))
        result = db.session.execute(delete(Cart).where(Cart.user_id.is_(None), Cart.updated_at < cutoff)
                                    .execution_options(synchronize_session=False))
    return result.rowcount or 0


def remove_ordered(cart_id: int, ordered: list[tuple[int, int]]) -> None:
    """After an order from this cart is paid: take out only what was ordered ((variant id, quantity) pairs), so
    what the shopper added after placing the order stays. Inside the payment's transaction (flushes only)."""
    wanted = {}
    for variant_id, quantity in ordered:
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    if not wanted:
        return
    lines = db.session.scalars(select(CartLine).where(CartLine.cart_id == cart_id,
                                                      CartLine.variant_id.in_(wanted))).all()
    for line in lines:
        left = line.quantity - wanted[line.variant_id]
        if left > 0:
            line.quantity = left
        else:
            db.session.delete(line)
    cart = db.session.get(Cart, cart_id)
    if cart is not None:
        _touch(cart)
    db.session.flush()

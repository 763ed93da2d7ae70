"""A seeded store for the robustness sweeps: the demo catalog and guides, an admin, a customer and another
customer (each with an address, a cart with lines and orders), and a guest with a cart and an order."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from store.extensions import db
from tests.factories import make_address, make_user, pay_order, place_order

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    admin_id: int = 0
    customer_id: int = 0
    other_id: int = 0
    customer_email: str = "cust@example.com"
    address_id: int = 0
    other_address_id: int = 0
    line_id: int = 0
    other_line_id: int = 0
    guest_line_id: int = 0
    guest_token: str = ""
    pending_number: str = ""      # customer's order awaiting payment
    paid_number: str = ""         # customer's paid order
    paid_id: int = 0
    pending_id: int = 0
    other_number: str = ""
    other_order_id: int = 0
    guest_number: str = ""
    guest_order_token: str = ""
    reset_token: str = ""
    register_token: str = ""
    product_id: int = 0
    product_slug: str = ""
    variant_id: int = 0
    other_product_id: int = 0
    other_variant_id: int = 0
    image_id: int = 0
    category_id: int = 0
    guide_id: int = 0
    guide_slug: str = ""
    outbox_id: int = 0            # the paid order's confirmation, in the outbox
    variant_ids: list[int] = field(default_factory=list)


def seed_world() -> World:
    from store.accounts import services as accounts
    from store.accounts.models import User
    from store.cart import services as carts
    from store.catalog.models import Product, ProductStatus
    from store.demo import seed_all
    from store.guides.models import Guide
    from store.orders import services as orders

    seed_all()
    w = World()
    users = {}
    for key, email, role in (("admin", "boss@kneadwell.test", "admin"), ("customer", w.customer_email, "customer"),
                             ("other", "other@example.com", "customer")):
        users[key] = make_user(email, PASSWORD, role=role, name=key.title())
    w.admin_id, w.customer_id, w.other_id = users["admin"].id, users["customer"].id, users["other"].id
    w.address_id, w.other_address_id = make_address(w.customer_id).id, make_address(w.other_id).id
    db.session.commit()

    products = list(db.session.scalars(select(Product).where(Product.status == ProductStatus.ACTIVE)
                                       .order_by(Product.id)))
    variants = [v for p in products for v in p.variants if v.is_active and v.available >= 5]
    first, second = variants[0], next(v for v in variants if v.product_id != variants[0].product_id)
    w.product_id, w.product_slug, w.variant_id = first.product_id, first.product.slug, first.id
    w.other_product_id, w.other_variant_id = second.product_id, second.id
    w.image_id = first.product.images[0].id if first.product.images else 0
    w.category_id = first.product.category_id or 0
    w.variant_ids = [v.id for v in variants[:6]]
    guide = db.session.scalars(select(Guide).where(Guide.published_at.is_not(None)).order_by(Guide.id)).first()
    w.guide_id, w.guide_slug = guide.id, guide.slug

    def place(email, user_id, variant_id):
        return place_order([(variant_id, 1)], email, user_id, payment_provider="demo", actor="seed")

    pending = place(w.customer_email, w.customer_id, first.id)
    w.pending_number, w.pending_id = pending.number, pending.id
    paid = place(w.customer_email, w.customer_id, second.id)
    pay_order(paid, actor="seed")
    w.paid_number, w.paid_id = paid.number, paid.id
    other = place("other@example.com", w.other_id, first.id)
    pay_order(other, actor="seed")
    w.other_number, w.other_order_id = other.number, other.id
    guest = place("guest@example.com", None, second.id)
    w.guest_number = guest.number
    guest = orders.order_by_number(guest.number)
    w.guest_order_token = orders.order_token(guest)
    # Carts with lines (after the orders: paying empties the buyer's cart): the customer's, the other customer's, a guest's.
    w.line_id = carts.add_item(carts.get_or_create_cart(w.customer_id, None), first.id, 1, 10).id
    carts.add_item(carts.get_or_create_cart(w.customer_id, None), second.id, 2, 10)
    w.other_line_id = carts.add_item(carts.get_or_create_cart(w.other_id, None), first.id, 1, 10).id
    w.guest_token = "guest-token-for-the-robustness-sweep-000000"
    w.guest_line_id = carts.add_item(carts.get_or_create_cart(None, w.guest_token), second.id, 1, 10).id

    w.reset_token = accounts.make_reset_token(db.session.get(User, w.customer_id))
    from store.outbox import OutboxMessage
    w.outbox_id = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.order_id == w.paid_id))
    w.register_token = accounts._registration_serializer().dumps(
        {"e": "sweep.signup@example.com", "n": "Sweep Signup", "h": accounts.hash_password("sweep sign up phrase")})
    db.session.commit()
    db.session.remove()
    return w


# ------------------------------------------------------------------ what "nothing changed" means

COUNTED_TABLES = ("users", "addresses", "carts", "cart_lines", "orders", "order_lines", "order_events", "refunds",
                  "stock_movements", "audit_log", "products", "variants", "product_images", "guides",
                  "disclaimers", "webhook_events", "search_documents", "categories", "tags", "outbox_messages")


def snapshot() -> dict:
    """Row counts of every table that matters, stock sums and order states: what a GET must never change."""
    from store.catalog.models import Variant
    from store.orders.models import Order

    from sqlalchemy import table

    counts = {name: db.session.scalar(select(func.count()).select_from(table(name))) for name in COUNTED_TABLES}
    counts["variant_on_hand_sum"] = db.session.scalar(select(func.coalesce(func.sum(Variant.on_hand), 0)))
    counts["variant_reserved_sum"] = db.session.scalar(select(func.coalesce(func.sum(Variant.reserved), 0)))
    counts["variant_prices"] = db.session.scalar(select(func.coalesce(func.sum(Variant.price_cents), 0)))
    for payment, fulfilment, n in db.session.execute(
            select(Order.payment_status, Order.fulfilment_status, func.count())
            .group_by(Order.payment_status, Order.fulfilment_status)):
        counts[f"orders_{payment}_{fulfilment}"] = n
    db.session.remove()
    return counts


def diff(before: dict, after: dict) -> dict:
    keys = set(before) | set(after)
    return {k: (before.get(k), after.get(k)) for k in sorted(keys) if before.get(k) != after.get(k)}


def table_rows(*names: str) -> dict:
    """Every row (all columns) of the named tables, ordered by primary key: "nothing changed" at row level."""
    out = {}
    for name in names:
        t = db.metadata.tables[name]
        out[name] = [tuple(r) for r in db.session.execute(select(t).order_by(*t.primary_key.columns))]
    db.session.remove()
    return out

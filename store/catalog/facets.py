"""Facets of the shop front (the product list and search results): category, kind, price range, in stock.

Filters live in the URL (``?category=<slug>&kind=oil&price=20-40&in_stock=1``), so they combine, can be
bookmarked and work without JavaScript. Counts come from ONE grouped query over the products in scope (all active
products, or those a search matched): one row per (category, kind, price range, in stock) combination, which
is at most a few hundred rows whatever the catalog size. Each facet's counts are then summed in Python under
the *other* facets' filters, the usual way faceted navigation counts ("Oils (12)" while "Under 20" is chosen
means 12 oils under 20).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, exists, func, select

from store.catalog.models import Category, Product, ProductKind, ProductStatus, Variant
from store.extensions import db

KIND_LABELS = {ProductKind.TOOL.value: "Tools", ProductKind.OIL.value: "Oils",
               ProductKind.ACCESSORY.value: "Accessories"}


@dataclass(frozen=True)
class PriceRange:
    key: str
    low: int | None   # minor units, inclusive
    high: int | None  # minor units, exclusive


# In minor units of the store currency; a product's price is its cheapest active variant's.
PRICE_RANGES = (
    PriceRange("under-20", None, 2000),
    PriceRange("20-40", 2000, 4000),
    PriceRange("40-80", 4000, 8000),
    PriceRange("80-up", 8000, None),
)
PRICE_BY_KEY = {p.key: p for p in PRICE_RANGES}
FACET_NAMES = ("category", "kind", "price", "in_stock")


@dataclass
class Filters:
    category: Category | None = None
    kind: str | None = None
    price: PriceRange | None = None
    in_stock: bool = False

    @property
    def active(self) -> bool:
        return any((self.category, self.kind, self.price, self.in_stock))

    def args(self) -> dict:
        """The filters as query arguments (only those that are set)."""
        args = {}
        if self.category is not None:
            args["category"] = self.category.slug
        if self.kind:
            args["kind"] = self.kind
        if self.price is not None:
            args["price"] = self.price.key
        if self.in_stock:
            args["in_stock"] = "1"
        return args


def _one(args, name):
    value = args.get(name)
    return value if isinstance(value, str) and value and len(value) <= 120 and "\x00" not in value else None


def parse_filters(args, all_categories: list[Category]) -> tuple[Filters, str | None]:
    """Filters from query arguments. An unknown kind or price range is ignored; the category is looked up in the
    already-loaded visible categories and its slug is returned when it is not one of them (the caller decides:
    a former slug redirects, anything else is a 404)."""
    filters = Filters()
    slug = _one(args, "category")
    missing = None
    if slug:
        filters.category = next((c for c in all_categories if c.slug == slug), None)
        missing = slug if filters.category is None else None
    kind = _one(args, "kind")
    filters.kind = kind if kind in KIND_LABELS else None
    filters.price = PRICE_BY_KEY.get(_one(args, "price") or "")
    filters.in_stock = args.get("in_stock") in ("1", "true", "on", "yes")
    return filters, missing


def min_price():
    return (select(func.min(Variant.price_cents))
            .where(Variant.product_id == Product.id, Variant.is_active.is_(True))
            .correlate(Product).scalar_subquery())


def in_stock():
    return exists().where(Variant.product_id == Product.id, Variant.is_active.is_(True),
                          Variant.on_hand - Variant.reserved > 0)


def _price_condition(price: PriceRange):
    price_expr = min_price()
    conditions = []
    if price.low is not None:
        conditions.append(price_expr >= price.low)
    if price.high is not None:
        conditions.append(price_expr < price.high)
    return conditions


def apply(stmt: Select, filters: Filters) -> Select:
    """Narrow a select of products to the chosen filters."""
    if filters.category is not None:
        stmt = stmt.where(Product.category_id == filters.category.id)
    if filters.kind:
        stmt = stmt.where(Product.kind == filters.kind)
    if filters.price is not None:
        stmt = stmt.where(*_price_condition(filters.price))
    if filters.in_stock:
        stmt = stmt.where(in_stock())
    return stmt


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool
    args: dict   # query arguments of the link that toggles this value (page reset to the first)
    price: PriceRange | None = None  # a price range's label is formatted by the template (|money)


@dataclass
class Facets:
    total: int                      # products matching every filter
    groups: dict[str, list[FacetValue]] = field(default_factory=dict)
    chosen: list[tuple[str, FacetValue, dict]] = field(default_factory=list)  # (facet, value, remove-args)


def _bucket(price):
    whens = []
    for p in PRICE_RANGES:
        if p.high is not None:
            whens.append((price < p.high, p.key))
    return case(*whens, else_=PRICE_RANGES[-1].key)


def counts(filters: Filters, all_categories: list[Category], *, scope: Select | None = None,
           base_args: dict | None = None) -> Facets:
    """Facet counts over the active products (``scope``: a select of the product ids to count among, e.g. a
    search's matches). One query."""
    # Per product: its cheapest active variant and whether any active variant can be sold (one pass over the
    # variants, joined and grouped, rather than two correlated subqueries per product); then per combination.
    per_product = (select(Product.category_id.label("category_id"), Product.kind.label("kind"),
                          func.min(Variant.price_cents).label("price"),
                          func.max(case((Variant.on_hand - Variant.reserved > 0, 1), else_=0)).label("stock"))
                   .join(Variant, and_(Variant.product_id == Product.id, Variant.is_active.is_(True)))
                   .where(Product.status == ProductStatus.ACTIVE)
                   .group_by(Product.id, Product.category_id, Product.kind))
    if scope is not None:
        per_product = per_product.where(Product.id.in_(scope))
    priced = per_product.subquery()
    bucketed = select(priced.c.category_id, priced.c.kind, _bucket(priced.c.price).label("bucket"),
                      priced.c.stock).subquery()
    stmt = (select(bucketed.c.category_id, bucketed.c.kind, bucketed.c.bucket, bucketed.c.stock, func.count())
            .group_by(bucketed.c.category_id, bucketed.c.kind, bucketed.c.bucket, bucketed.c.stock))
    rows = [(cat, kind, bucket, bool(stock), n) for cat, kind, bucket, stock, n in db.session.execute(stmt)]

    def keep(row, skip: str) -> bool:
        cat, kind, bucket, stock, _ = row
        return ((skip == "category" or filters.category is None or cat == filters.category.id)
                and (skip == "kind" or not filters.kind or kind == filters.kind)
                and (skip == "price" or filters.price is None or bucket == filters.price.key)
                and (skip == "in_stock" or not filters.in_stock or stock))

    def total_by(skip: str, index: int) -> dict:
        out: dict = {}
        for row in rows:
            if keep(row, skip):
                out[row[index]] = out.get(row[index], 0) + row[4]
        return out

    current = dict(base_args or {}, **filters.args())

    def toggled(name: str, value: str | None) -> dict:
        args = dict(current)
        args.pop("page", None)
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
        return args

    facets = Facets(total=sum(row[4] for row in rows if keep(row, "")))
    by_category = total_by("category", 0)
    facets.groups["category"] = [
        FacetValue(c.slug, c.name, by_category.get(c.id, 0), filters.category is not None
                   and filters.category.id == c.id,
                   toggled("category", None if filters.category is not None and filters.category.id == c.id
                           else c.slug))
        for c in all_categories if by_category.get(c.id, 0) or (filters.category and filters.category.id == c.id)]
    by_kind = total_by("kind", 1)
    facets.groups["kind"] = [
        FacetValue(k, label, by_kind.get(k, 0), filters.kind == k, toggled("kind", None if filters.kind == k else k))
        for k, label in KIND_LABELS.items() if by_kind.get(k, 0) or filters.kind == k]
    by_price = total_by("price", 2)
    chosen_price = filters.price.key if filters.price else None
    facets.groups["price"] = [
        FacetValue(p.key, "", by_price.get(p.key, 0), chosen_price == p.key,
                   toggled("price", None if chosen_price == p.key else p.key), price=p)
        for p in PRICE_RANGES if by_price.get(p.key, 0) or chosen_price == p.key]
    by_stock = total_by("in_stock", 3)
    facets.groups["in_stock"] = [FacetValue("1", "In stock", by_stock.get(True, 0), filters.in_stock,
                                            toggled("in_stock", None if filters.in_stock else "1"))]
    for name, values in facets.groups.items():
        for value in values:
            if value.selected:
                facets.chosen.append((name, value, toggled(name, None)))
    return facets

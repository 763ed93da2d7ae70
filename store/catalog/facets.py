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

from datetime import datetime

from sqlalchemy import (BigInteger, ForeignKey, Index, Integer, Select, String, bindparam, case, cast, exists, func,
                        literal_column, null, select, text, union_all)
from sqlalchemy.orm import Mapped, mapped_column

from store.catalog.models import (AllergenSource, Category, ProductIngredient, ProductKind, ProductStatus,
                                  Variant)
from store.db import prepared
from store.extensions import db


class ProductFacet(db.Model):
    """What a product's facets and the list's sort need, one row per product, written only by the database:
    triggers on products and variants (migrations search_2 and search_3) keep it current in the same transaction
    as every change, so counting facets reads one narrow index instead of every variant, and a page of the list
    walks one of the partial ``ix_product_facets_list_*`` indexes (one per sort, with and without a category) in
    order and stops after a page."""
    __tablename__ = "product_facets"
    __table_args__ = (Index("ix_product_facets_counts", "status", "category_id", "kind", "min_price_cents",
                            "in_stock"),
                      Index("ix_product_facets_price", "status", "min_price_cents", "product_id"))  # price sorts

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    min_price_cents: Mapped[int | None] = mapped_column()  # the cheapest active variant's price
    in_stock: Mapped[bool] = mapped_column()               # an active variant with units available
    name: Mapped[str] = mapped_column(String(160), server_default="")      # the product's, for the list's sorts
    featured: Mapped[bool] = mapped_column(server_default=text("false"))
    created_at: Mapped[datetime | None] = mapped_column()


class ProductFacetCount(db.Model):
    """How many active products share one (category, kind, price range, in stock) combination: at most a few
    hundred rows whatever the catalog size, kept by triggers on product_facets (migration search_3) in the same
    transaction as every change. ``category_key`` is the category's id, 0 for none; ``price_bucket`` a
    PRICE_RANGES key, "" for no active variant. A combination that falls to zero keeps its row."""
    __tablename__ = "product_facet_counts"

    category_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    price_bucket: Mapped[str] = mapped_column(String(20), primary_key=True)
    in_stock: Mapped[bool] = mapped_column(primary_key=True)
    products: Mapped[int] = mapped_column()


class ProductFacetCountChange(db.Model):
    """PostgreSQL only (empty on SQLite): the -1 / +1 a change of product_facets makes to a combination, logged
    by a trigger and folded into ProductFacetCount by a deferred trigger when the transaction commits, so a bulk
    change updates each count row once rather than once per product (see migration search_3)."""
    __tablename__ = "product_facet_count_changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    tx: Mapped[int | None] = mapped_column(BigInteger, index=True)  # txid_current() of the writing transaction
    category_key: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    price_bucket: Mapped[str] = mapped_column(String(20))
    in_stock: Mapped[bool] = mapped_column()
    step: Mapped[int] = mapped_column()


_ACTIVE_ROWS = text("status = 'active'")
# Written as a literal, not a bound parameter, so that both planners see it implies the partial indexes' WHERE.
ACTIVE_ROW = ProductFacet.status == literal_column(f"'{ProductStatus.ACTIVE.value}'")
_LIST_INDEXES = {
    "featured": (ProductFacet.featured.desc(), ProductFacet.name, ProductFacet.product_id),
    "name": (ProductFacet.name, ProductFacet.product_id),
    "price": (ProductFacet.min_price_cents, ProductFacet.name, ProductFacet.product_id),
    "price_desc": (ProductFacet.min_price_cents.desc(), ProductFacet.name, ProductFacet.product_id),
    "newest": (ProductFacet.created_at.desc(), ProductFacet.product_id.desc()),
}
for _sort, _columns in _LIST_INDEXES.items():
    Index(f"ix_product_facets_list_{_sort}", *_columns, postgresql_where=_ACTIVE_ROWS, sqlite_where=_ACTIVE_ROWS)
    Index(f"ix_product_facets_list_cat_{_sort}", ProductFacet.category_id, *_columns,
          postgresql_where=_ACTIVE_ROWS, sqlite_where=_ACTIVE_ROWS)

# The cheapest active variant of a product, read by the triggers when the cheapest one changes (an index range
# instead of a scan of every variant: a product may have thousands).
Index("ix_variants_product_price", Variant.__table__.c.product_id, Variant.__table__.c.price_cents)

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
FACET_NAMES = ("category", "kind", "price", "in_stock", "free_from")


@dataclass
class Filters:
    category: Category | None = None
    kind: str | None = None
    price: PriceRange | None = None
    in_stock: bool = False
    free_from: object | None = None  # an Allergen (catalog.models): no ingredient carries it

    @property
    def active(self) -> bool:
        return any((self.category, self.kind, self.price, self.in_stock, self.free_from))

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
        if self.free_from is not None:
            args["free_from"] = self.free_from.code
        return args


def _one(args, name):
    value = args.get(name)
    return value if isinstance(value, str) and value and len(value) <= 120 and "\x00" not in value else None


def parse_filters(args, all_categories: list[Category], allergens: list | None = None) -> tuple[Filters, str | None]:
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
    code = _one(args, "free_from")
    filters.free_from = next((a for a in allergens or [] if a.code == code), None) if code else None
    return filters, missing


def free_from_clause(allergen, product_id):
    """No ingredient of the product (``product_id``: its id column) carries ``allergen``."""
    return _free_from(allergen.id, product_id)


def _free_from(allergen_id, product_id):
    return ~exists().where(ProductIngredient.product_id == product_id,
                           ProductIngredient.inci_key == AllergenSource.inci_name,
                           AllergenSource.allergen_id == allergen_id)


def conditions(filters: Filters, *, price_range_on_index: bool = True) -> list:
    """The filters as conditions on ProductFacet (the active rows only). ``price_range_on_index=False`` writes
    the price range as ``min_price_cents + 0`` so that no index range is taken on it: a list sorted by name walks
    its sort's index and checks the price on each row (a page, whatever the catalog size) instead of reading
    every product in the range and sorting them. The values travel with the conditions (``shaped_conditions``
    is the one place the conditions are written)."""
    shape, values = filter_shape(filters)
    return shaped_conditions(shape, price_range_on_index=price_range_on_index, values=values)


def filter_shape(filters: Filters) -> tuple[tuple, dict]:
    """The filters as a statement's shape (which conditions it has; a price range by its key) and the values to
    bind (``shaped_conditions``): one kept statement per shape serves every category, kind and allergen."""
    shape = (filters.category is not None, bool(filters.kind),
             filters.price.key if filters.price is not None else None, bool(filters.in_stock),
             filters.free_from is not None)
    params = {}
    if filters.category is not None:
        params["f_category"] = filters.category.id
    if filters.kind:
        params["f_kind"] = filters.kind
    if filters.free_from is not None:
        params["f_allergen"] = filters.free_from.id
    return shape, params


def shaped_conditions(shape: tuple, *, price_range_on_index: bool = True, values: dict | None = None) -> list:
    """The conditions of a ``filter_shape`` on ProductFacet (the active rows only), its values bound at
    execution (``f_category``, ``f_kind``, ``f_allergen``; a price range's limits are part of the shape), or
    carried by the conditions when ``values`` are given."""
    has_category, has_kind, price_key, in_stock, has_free_from = shape

    def bound(name: str):
        return bindparam(name, values[name], unique=True) if values is not None else bindparam(name)

    found = [ACTIVE_ROW]
    price = ProductFacet.min_price_cents if price_range_on_index else ProductFacet.min_price_cents + 0
    if has_category:
        found.append(ProductFacet.category_id == bound("f_category"))
    if has_kind:
        found.append(ProductFacet.kind == bound("f_kind"))
    if price_key is not None:
        price_range = PRICE_BY_KEY[price_key]
        if price_range.low is not None:
            found.append(price >= price_range.low)
        if price_range.high is not None:
            found.append(price < price_range.high)
    if in_stock:
        found.append(ProductFacet.in_stock.is_(True))
    if has_free_from:
        found.append(_free_from(bound("f_allergen"), ProductFacet.product_id))
    return found


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
    total: int                      # products matching every filter (with ``capped``: at least that many)
    groups: dict[str, list[FacetValue]] = field(default_factory=dict)
    chosen: list[tuple[str, FacetValue, dict]] = field(default_factory=list)  # (facet, value, remove-args)
    capped: bool = False            # a search matching more than SEARCH_COUNT_CAP: counts are "at least"

    def __post_init__(self):
        if self.capped:  # counted among SEARCH_COUNT_CAP + 1 matches: "500+" rather than "501+"
            self.total = min(self.total, SEARCH_COUNT_CAP)


def _bucket(price):
    whens = [(price.is_(None), "")]  # no active variant: no price range (and no price filter matches it)
    for p in PRICE_RANGES:
        if p.high is not None:
            whens.append((price < p.high, p.key))
    return case(*whens, else_=PRICE_RANGES[-1].key)


# Facets on a search count at most this many of its matches (the first in the index's order); a broader query
# shows its counts as "at least" ("500+"), so a query matching most of a large catalog costs what a narrow one does.
# Counting is about 2 us a match on SQLite (a facet row and an ingredient lookup each, on the benchmark's 100,000
# products), the same order as ranking one: the count covers as many matches as search ranks
# (search.engines.RANK_CANDIDATES), ten pages of results, past which "500+" tells a shopper all they can use.
SEARCH_COUNT_CAP = 500


def _carrying(base: list):
    """Per combination and allergen, how many of the products in scope carry the allergen."""
    bucket = _bucket(ProductFacet.min_price_cents)
    carrying = (select(ProductFacet.product_id, ProductFacet.category_id.label("category_id"),
                       ProductFacet.kind.label("kind"), bucket.label("bucket"),
                       ProductFacet.in_stock.label("stock"), AllergenSource.allergen_id.label("allergen_id"))
                .join(ProductIngredient, ProductIngredient.product_id == ProductFacet.product_id)
                .join(AllergenSource, AllergenSource.inci_name == ProductIngredient.inci_key)
                .where(*base).distinct()).subquery()
    t = carrying
    return (select(t.c.category_id, t.c.kind, t.c.bucket, t.c.stock, t.c.allergen_id, func.count())
            .group_by(t.c.category_id, t.c.kind, t.c.bucket, t.c.stock, t.c.allergen_id))


@prepared
def _catalog_rows(dialect: str):
    """The whole catalog's combinations: the plain rows from ProductFacetCount (kept by triggers), and on
    PostgreSQL this transaction's own changes, logged and not yet folded into the counts (that happens at commit)."""
    c = ProductFacetCount
    plain = select(case((c.category_key == 0, null()), else_=c.category_key), c.kind, c.price_bucket,
                   c.in_stock, cast(null(), Integer), c.products).where(c.products > 0)
    parts = [plain]
    if dialect == "postgresql":
        d = ProductFacetCountChange
        parts.append(select(case((d.category_key == 0, null()), else_=d.category_key), d.kind, d.price_bucket,
                            d.in_stock, cast(null(), Integer), func.sum(d.step))
                     .where(d.tx == func.txid_current_if_assigned())
                     .group_by(d.category_key, d.kind, d.price_bucket, d.in_stock))
    return union_all(*parts, _carrying([ACTIVE_ROW]))


def _scoped_rows(scope: Select):
    """The combinations among a search's first SEARCH_COUNT_CAP + 1 matches (``scope``: a select of their ids)."""
    # A CTE read by both halves of the union: both databases run the search once (it is read twice).
    matched = scope.limit(bindparam("counted")).cte("search_scope")   # SEARCH_COUNT_CAP + 1, bound at execution
    base = [ACTIVE_ROW, ProductFacet.product_id.in_(select(list(matched.c)[0]))]
    bucket = _bucket(ProductFacet.min_price_cents)
    rows = (select(ProductFacet.category_id.label("category_id"), ProductFacet.kind.label("kind"),
                   bucket.label("bucket"), ProductFacet.in_stock.label("stock")).where(*base)).subquery()
    plain = (select(rows.c.category_id, rows.c.kind, rows.c.bucket, rows.c.stock, cast(null(), Integer),
                    func.count())
             .group_by(rows.c.category_id, rows.c.kind, rows.c.bucket, rows.c.stock))
    return union_all(plain, _carrying(base))


# A reusable scope (search builds it once per plan shape) gets its counting statement built once too.
_kept_scoped_rows = prepared(_scoped_rows)


def _combination_rows(scope):
    """One query: (category, kind, price range, in stock, allergen or None, products), over the whole catalog
    or over a search's ``scope`` (a ``search.Scope``). Each statement is built once and kept (building one costs
    more Python than running it), except for a search's scope that is built for its query alone."""
    if scope is None:  # a Core statement: run on the session's connection (its transaction), past the ORM layer
        return db.session.connection().execute(_catalog_rows(db.engine.dialect.name))
    stmt = _kept_scoped_rows(scope.select) if scope.reusable else _scoped_rows(scope.select)
    return db.session.execute(stmt, {**scope.params, "counted": SEARCH_COUNT_CAP + 1})


def counts(filters: Filters, all_categories: list[Category], *, scope=None,
           base_args: dict | None = None, allergens: list | None = None) -> Facets:
    """Facet counts over the active products (``scope``: a ``search.Scope`` of the product ids to count among, a
    search's matches, of which the first SEARCH_COUNT_CAP are counted). One query: the products per (category,
    kind, price range, in stock), and beside them how many of those carry each allergen, so "free from"
    combines with the others in Python too."""
    plain_rows, carried = [], {}
    for cat, kind, bucket_key, stock, allergen_id, n in _combination_rows(scope):
        key = (cat, kind, bucket_key, bool(stock))
        if allergen_id is None:
            plain_rows.append((key, n))
        else:
            carried[(key, allergen_id)] = n
    capped = scope is not None and sum(n for _, n in plain_rows) > SEARCH_COUNT_CAP
    chosen_allergen = filters.free_from.id if filters.free_from is not None else None
    want_category = filters.category.id if filters.category is not None else None
    want_kind = filters.kind or None
    want_price = filters.price.key if filters.price is not None else None
    want_stock = True if filters.in_stock else None

    # One pass over the combinations (the usual faceted counting: a facet's values are counted under the other
    # facets' filters): one that every filter keeps counts toward each facet and the total; one that a single
    # filter leaves out counts toward that filter's facet only; one that two or more leave out, toward none.
    # Under "free from", a combination counts its products minus those carrying the allergen. ``others``: the
    # combinations every filter but "free from" keeps (the "free from" facet is counted among them).
    by_category: dict = {}
    by_kind: dict = {}
    by_price: dict = {}
    by_stock: dict = {}
    total = 0
    others: dict = {}
    for key, n in plain_rows:
        cat, kind, bucket_key, stock = key
        out_category = want_category is not None and cat != want_category
        out_kind = want_kind is not None and kind != want_kind
        out_price = want_price is not None and bucket_key != want_price
        out_stock = want_stock is not None and stock is not True
        left_out = out_category + out_kind + out_price + out_stock
        if left_out > 1:
            continue
        if left_out == 0:
            others[key] = n
        if chosen_allergen is not None:
            n -= carried.get((key, chosen_allergen), 0)
        if left_out == 0:
            total += n
            by_category[cat] = by_category.get(cat, 0) + n
            by_kind[kind] = by_kind.get(kind, 0) + n
            by_price[bucket_key] = by_price.get(bucket_key, 0) + n
            by_stock[stock] = by_stock.get(stock, 0) + n
        elif out_category:
            by_category[cat] = by_category.get(cat, 0) + n
        elif out_kind:
            by_kind[kind] = by_kind.get(kind, 0) + n
        elif out_price:
            by_price[bucket_key] = by_price.get(bucket_key, 0) + n
        else:
            by_stock[stock] = by_stock.get(stock, 0) + n

    current = dict(base_args or {}, **filters.args())

    def toggled(name: str, value: str | None) -> dict:
        args = dict(current)
        args.pop("page", None)
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
        return args

    facets = Facets(total=total, capped=capped)
    facets.groups["category"] = [
        FacetValue(c.slug, c.name, by_category.get(c.id, 0), filters.category is not None
                   and filters.category.id == c.id,
                   toggled("category", None if filters.category is not None and filters.category.id == c.id
                           else c.slug))
        for c in all_categories if by_category.get(c.id, 0) or (filters.category and filters.category.id == c.id)]
    facets.groups["kind"] = [
        FacetValue(k, label, by_kind.get(k, 0), filters.kind == k, toggled("kind", None if filters.kind == k else k))
        for k, label in KIND_LABELS.items() if by_kind.get(k, 0) or filters.kind == k]
    chosen_price = filters.price.key if filters.price else None
    facets.groups["price"] = [
        FacetValue(p.key, "", by_price.get(p.key, 0), chosen_price == p.key,
                   toggled("price", None if chosen_price == p.key else p.key), price=p)
        for p in PRICE_RANGES if by_price.get(p.key, 0) or chosen_price == p.key]
    free_from_values = []
    # The combinations the other facets leave, once (not once per allergen), and per allergen how many of
    # their products carry it: one pass over each list whatever the number of allergens.
    others_total = sum(others.values())
    carrying_in_others: dict = {}
    for (key, allergen_id), n in carried.items():
        if key in others:
            carrying_in_others[allergen_id] = carrying_in_others.get(allergen_id, 0) + n
    for allergen in allergens or []:
        free = others_total - carrying_in_others.get(allergen.id, 0)
        selected = chosen_allergen == allergen.id
        if selected or free < others_total:  # offered only when it leaves something out
            free_from_values.append(FacetValue(allergen.code, allergen.name, free, selected,
                                               toggled("free_from", None if selected else allergen.code)))
    facets.groups["free_from"] = free_from_values
    facets.groups["in_stock"] = [FacetValue("1", "In stock", by_stock.get(True, 0), filters.in_stock,
                                            toggled("in_stock", None if filters.in_stock else "1"))]
    for name, values in facets.groups.items():
        for value in values:
            if value.selected:
                facets.chosen.append((name, value, toggled(name, None)))
    return facets

"""Catalog rules: publishing (safety first), listing, lookups and search indexing."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from store import search as search_index
from decimal import Decimal, InvalidOperation

from store.catalog import cards, facets
from store.catalog.models import (Allergen, AllergenSource, Category, CategoryPicture, CategorySlugRedirect, Product,
                                  ProductIngredient, ProductKind, ProductStatus, Variant)
from store.db import limit_param, prepared
from store.extensions import db
from store.markup import plain_text, render_markdown
from store.util import page_number


class CatalogError(Exception):
    pass


class MissingWarnings(CatalogError):
    def __init__(self, product_name: str):
        super().__init__(
            f"“{product_name}” cannot be made active without safety warnings. "
            "Add at least one warning or contraindication first.")


class NotPublishable(CatalogError):
    pass


class MissingAllergenWarning(MissingWarnings):
    def __init__(self, product_name: str, allergens: list[Allergen]):
        self.allergens = allergens
        CatalogError.__init__(
            self, f"“{product_name}” contains " + ", ".join(a.name.lower() for a in allergens)
            + " but its warnings do not say so. Add a warning that names each one, for example: "
            + " ".join(f"“{a.warning}”" for a in allergens))


class IngredientsInvalid(CatalogError):
    pass


# ---------------------------------------------------------------- writing

def set_description(product: Product, markdown: str) -> None:
    product.description_md = markdown or ""
    product.description_html = render_markdown(product.description_md)


def set_status(product: Product, status: ProductStatus | str) -> None:
    """Change a product's status (caller commits). Activation needs warnings (the database checks this too),
    an active variant with a price, and an image with alt text. The search index follows the status."""
    status = ProductStatus(status)
    if status == ProductStatus.ACTIVE:
        if not product.warning_list:
            raise MissingWarnings(product.name)
        if not any(v.is_active for v in product.variants):
            raise NotPublishable(f"“{product.name}” needs at least one active variant before it can be active.")
        if not product.images:
            raise NotPublishable(f"“{product.name}” needs a picture (with alt text) before it can be active.")
        if product.kind == ProductKind.OIL and not product.ingredients:
            raise NotPublishable(f"“{product.name}” is an oil: list its ingredients before it can be active.")
        unwarned = missing_allergen_warnings(product)
        if unwarned:
            raise MissingAllergenWarning(product.name, unwarned)
    changed = product.status != status.value
    product.status = status.value
    if changed:
        # Search shows active products only: publishing adds a product to the index, archiving removes it.
        if product.id is None:
            db.session.flush()
        reindex_product(product)


def reindex_product(product: Product) -> None:
    if product.status != ProductStatus.ACTIVE:
        search_index.remove_document("product", product.id)
        return
    fields = [(product.name, 20), (product.summary, 3), (plain_text(product.description_md), 1),
              (product.kind, 2)]
    if product.category is not None:
        fields.append((product.category.name, 4))
    fields += [(v.option_label + " " + v.sku, 2) for v in product.variants]
    search_index.index_document("product", product.id, fields)


# ---------------------------------------------------------------- ingredients and allergens

def ensure_allergens() -> int:
    """Load the allergen reference data (idempotent; the owner's own additions are kept). Caller commits."""
    from store.catalog.allergen_data import ALLERGENS
    existing = {a.code: a for a in db.session.scalars(select(Allergen).options(selectinload(Allergen.sources)))}
    taken = set(db.session.scalars(select(AllergenSource.inci_name)))
    added = 0
    for data in ALLERGENS:
        allergen = existing.get(data["code"])
        if allergen is None:
            allergen = Allergen(code=data["code"], name=data["name"], group=data["group"], keyword=data["keyword"],
                                warning=data["warning"])
            db.session.add(allergen)
            added += 1
        for inci in data["sources"]:
            key = inci_key(inci)
            if key not in taken:
                allergen.sources.append(AllergenSource(inci_name=key))
                taken.add(key)
    db.session.flush()
    return added


def inci_key(name: str) -> str:
    return " ".join((name or "").split()).lower()


def parse_ingredients(text: str) -> list[dict]:
    """The admin's ingredient lines, one a line: ``INCI name | common name | percent`` (the last two optional).
    Raises IngredientsInvalid naming the line at fault."""
    rows = []
    for n, raw in enumerate((text or "").splitlines(), 1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) > 3:
            raise IngredientsInvalid(f"Ingredient line {n}: use at most two “|” (INCI name | common name | percent).")
        inci = " ".join(parts[0].split())
        common = parts[1] if len(parts) > 1 else ""
        percent = None
        if len(parts) > 2 and parts[2]:
            try:
                percent = Decimal(parts[2].rstrip("%").strip())
            except InvalidOperation:
                raise IngredientsInvalid(f"Ingredient line {n}: “{parts[2]}” is not a percentage.") from None
            if not (0 < percent <= 100) or percent.as_tuple().exponent < -3:
                raise IngredientsInvalid(f"Ingredient line {n}: a percentage is above 0 and at most 100 "
                                         "(up to three decimals).")
        if not inci:
            raise IngredientsInvalid(f"Ingredient line {n} needs its INCI name.")
        if len(inci) > 200 or len(common) > 200:
            raise IngredientsInvalid(f"Ingredient line {n}: keep names within 200 characters.")
        rows.append({"inci_name": inci, "common_name": common, "percent": percent})
    keys = [inci_key(r["inci_name"]) for r in rows]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise IngredientsInvalid("Each ingredient once: " + ", ".join(dupes) + " is listed twice.")
    total = sum((r["percent"] for r in rows if r["percent"] is not None), Decimal(0))
    if total > 100:
        raise IngredientsInvalid(f"The percentages add up to {total}%, more than 100%.")
    return rows


def format_ingredients(product: Product) -> str:
    """The ingredient list in the admin's one-a-line form (the inverse of parse_ingredients)."""
    lines = []
    for i in product.ingredients:
        parts = [i.inci_name, i.common_name or ""]
        if i.percent is not None:
            parts.append(f"{i.percent.normalize():f}")
        lines.append(" | ".join(parts).rstrip(" |"))
    return "\n".join(lines)


def set_ingredients(product: Product, rows: list[dict]) -> None:
    """Replace a product's ingredient list (caller commits). An active product is re-checked: a new allergen
    needs its warning first."""
    product.ingredients = [ProductIngredient(position=n, inci_name=r["inci_name"], inci_key=inci_key(r["inci_name"]),
                                             common_name=r.get("common_name") or "", percent=r.get("percent"))
                           for n, r in enumerate(rows)]


def allergens_of(product: Product) -> list[Allergen]:
    """The allergens a product carries, from its ingredients."""
    keys = [i.inci_key for i in product.ingredients]
    if not keys:
        return []
    return list(db.session.scalars(
        select(Allergen).join(AllergenSource).where(AllergenSource.inci_name.in_(keys))
        .distinct().order_by(Allergen.group, Allergen.name)))


def missing_allergen_warnings(product: Product) -> list[Allergen]:
    """The allergens a product carries that no warning line names."""
    warnings = " ".join(product.warning_list).lower()
    return [a for a in allergens_of(product) if a.keyword.lower() not in warnings]


@dataclass(frozen=True, slots=True)
class AllergenView:
    """An allergen as the shop front's "free from" filter and facet use it: read as a plain row."""
    id: int
    code: str
    name: str
    group: str


def all_allergens() -> list[AllergenView]:
    """Every allergen, by group then name (the "free from" choices of a list or a search)."""
    return [AllergenView(*row) for row in db.session.connection().execute(_allergen_rows())]


@prepared
def _allergen_rows():
    return select(Allergen.id, Allergen.code, Allergen.name, Allergen.group).order_by(Allergen.group, Allergen.name)


def allergen_by_code(code) -> Allergen | None:
    if not isinstance(code, str) or not code or len(code) > 60 or "\x00" in code:
        return None
    return db.session.scalar(select(Allergen).where(Allergen.code == code))


def free_from_clause(allergen: Allergen):
    """Products with no ingredient that carries ``allergen`` (for lists and search: "free from tree nuts")."""
    return facets.free_from_clause(allergen, Product.id)


def free_from(stmt: Select, allergen: Allergen | None) -> Select:
    """``stmt`` (a select of Product) narrowed to products free from ``allergen`` (unchanged when None)."""
    return stmt if allergen is None else stmt.where(free_from_clause(allergen))


# ---------------------------------------------------------------- reading

SORTS = {
    "featured": "Featured",
    "newest": "Newest",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "name": "Name: A to Z",
}
DEFAULT_SORT = "featured"


def _with_card_data(stmt: Select) -> Select:
    """Eager-load what a product card shows (variants, first image, category) in a fixed number of queries."""
    return stmt.options(
        selectinload(Product.variants),
        selectinload(Product.images),
        joinedload(Product.category),
    )


@dataclass
class ListingQuery:
    category: Category | None
    in_stock: bool
    sort: str
    page: int
    kind: str | None = None
    price: facets.PriceRange | None = None
    unknown_category: str | None = None  # a ?category= slug that is no visible category's
    free_from: Allergen | None = None

    def filters(self) -> facets.Filters:
        return facets.Filters(category=self.category, kind=self.kind, price=self.price, in_stock=self.in_stock,
                              free_from=self.free_from)


def parse_listing_args(args, all_categories: list[Category]) -> ListingQuery:
    """Turn query-string arguments into a listing; an odd sort, page, kind or price falls back to the default.
    The category is looked up in the already-loaded category list (no extra query); a slug that is not a
    visible category's is kept in ``unknown_category`` (the view redirects a former slug, 404s the rest)."""
    sort = args.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    filters, unknown = facets.parse_filters(args, all_categories)
    return ListingQuery(category=filters.category, in_stock=filters.in_stock, sort=sort,
                        page=page_number(args.get("page")), kind=filters.kind, price=filters.price,
                        unknown_category=unknown, free_from=allergen_by_code(args.get("free_from")))


_PF = facets.ProductFacet
# The list's orders, on the sort columns product_facets carries: each has its partial index (facets.ProductFacet).
LIST_ORDERS = {
    "featured": (_PF.featured.desc(), _PF.name, _PF.product_id),
    "newest": (_PF.created_at.desc(), _PF.product_id.desc()),
    "price_asc": (_PF.min_price_cents.asc(), _PF.name, _PF.product_id),
    "price_desc": (_PF.min_price_cents.desc(), _PF.name, _PF.product_id),
    "name": (_PF.name, _PF.product_id),
}


@prepared
def _listing_ids(sort: str, shape: tuple, dialect: str):
    """The ids of a page of the listing, in its order, for one sort and filter shape (``facets.filter_shape``):
    built once per shape, the filter values, the limit and the offset bound at execution."""
    # SQLite's planner takes an index range on the price whenever it can; PostgreSQL weighs it by its statistics
    # (and misjudges a "+ 0" term), so only SQLite is kept off it (see facets.conditions).
    on_index = sort in ("price_asc", "price_desc") or dialect != "sqlite"
    return (select(facets.ProductFacet.product_id)
            .where(*facets.shaped_conditions(shape, price_range_on_index=on_index))
            .order_by(*LIST_ORDERS[sort]).limit(bindparam("limit")).offset(bindparam("offset")))


class ListingPage(Pagination):
    """A page of the listing (flask-sqlalchemy's Pagination: pages, has_next, iter_pages...): its ids read with
    the kept statement of its shape, the total given (the facet counts know it)."""

    def _query_items(self) -> list[int]:
        args = self._query_args
        return list(db.session.connection().execute(
            args["statement"], {**args["values"], "limit": self.per_page, "offset": self._query_offset}).scalars())

    def _query_count(self) -> int:
        return self._query_args["total"]


def list_products(q: ListingQuery, total: int | None = None):
    """One page of the listing, its items product cards (``cards.Card``): the page's ids, then their cards.
    ``total``: the count already known (the facet counts give it); otherwise it is read from the counts the
    database keeps (``facets.counts``), never a COUNT(*) over every product."""
    per_page = current_app.config["PRODUCTS_PER_PAGE"]
    if total is None:
        total = facets.counts(q.filters(), []).total
    shape, values = facets.filter_shape(q.filters())
    pagination = ListingPage(page=q.page, per_page=per_page, max_per_page=60, error_out=False, total=total,
                             statement=_listing_ids(q.sort, shape, db.engine.dialect.name), values=values)
    pagination.items = cards.cards_in_order(pagination.items)
    return pagination


def active_product_ids(filters: facets.Filters) -> Select:
    """The ids of the active products passing ``filters`` (search restricts its product hits to them)."""
    return select(facets.ProductFacet.product_id).where(*facets.conditions(filters))


@dataclass(frozen=True, slots=True)
class CategoryView:
    """A visible category as lists, filters, facets and links use it: read as a plain row (a page of the shop
    reads these on every request; the ORM's objects cost ten times the query). ``has_picture``: whether it has
    an uploaded picture (``category_with_picture`` loads it, for the tile or the top of its list)."""
    id: int
    slug: str
    name: str
    description: str
    has_picture: bool


def categories() -> list[CategoryView]:
    """The categories the shop front shows (hidden ones left out), in the back office's order."""
    return [CategoryView(*row) for row in db.session.connection().execute(_visible_category_rows())]


@prepared
def _visible_category_rows():
    return (select(Category.id, Category.slug, Category.name, Category.description,
                   CategoryPicture.category_id.is_not(None))
            .outerjoin(CategoryPicture, CategoryPicture.category_id == Category.id)
            .where(Category.hidden.is_(False)).order_by(Category.position, Category.name))


def category_tiles() -> list[Category]:
    """The visible categories with their pictures (the home page's tiles), in the back office's order."""
    return list(db.session.scalars(_visible_categories()))


@prepared
def _visible_categories():
    return select(Category).where(Category.hidden.is_(False)).order_by(Category.position, Category.name)


def category_with_picture(category: CategoryView | None) -> Category | None:
    """The category (with its picture) for the top of its product list; None when it has no picture."""
    if category is None or not category.has_picture:
        return None
    return db.session.get(Category, category.id)


def category_redirect(slug: str) -> Category | None:
    """The visible category a former slug now points to (None if the slug was never a category's)."""
    if not isinstance(slug, str) or not slug or len(slug) > 120 or "\x00" in slug:
        return None
    return db.session.scalar(select(Category).join(CategorySlugRedirect,
                                                   CategorySlugRedirect.category_id == Category.id)
                             .where(CategorySlugRedirect.old_slug == slug, Category.hidden.is_(False)))


class CategoryInUse(CatalogError):
    pass


def ensure_category_deletable(category: Category) -> None:
    """A category with products cannot be deleted (it would silently uncategorise them): hide it instead."""
    count = db.session.scalar(select(func.count()).select_from(Product).where(Product.category_id == category.id))
    if count:
        raise CategoryInUse(f"“{category.name}” has {count} product{'s' if count != 1 else ''}, so it cannot be "
                            "deleted. Hide it instead, or move its products to another category first.")


def change_category_slug(category: Category, new_slug: str) -> None:
    """Change a category's slug explicitly; the old one is kept and redirects (301) to the new one.
    Caller commits. A former slug taken back by its own category stops redirecting."""
    old = category.slug
    if new_slug == old:
        return
    previous = db.session.get(CategorySlugRedirect, new_slug)
    if previous is not None:
        db.session.delete(previous)
        db.session.flush()
    existing = db.session.get(CategorySlugRedirect, old)
    if existing is None:
        db.session.add(CategorySlugRedirect(old_slug=old, category_id=category.id))
    else:
        existing.category_id = category.id
    category.slug = new_slug


def featured_products(limit: int = 8) -> list[cards.Card]:
    """The home page's featured products, by name, as cards."""
    return cards.cards_in_order(list(db.session.scalars(_featured_products(), {"limit": limit})))


@prepared
def _featured_products():
    return (select(Product.id).where(Product.status == ProductStatus.ACTIVE, Product.featured.is_(True))
            .order_by(Product.name).limit(limit_param()))


def get_active_product(slug: str) -> Product | None:
    # PostgreSQL refuses NUL bytes in text (a DataError, i.e. a 500): such a slug simply matches nothing.
    if not isinstance(slug, str) or not slug or len(slug) > 160 or "\x00" in slug:
        return None
    return db.session.execute(_active_product_by_slug(), {"slug": slug}).unique().scalar()


@prepared
def _active_product_by_slug():
    # Variants, pictures and category joined in the product's own query (a few variants times a few pictures:
    # a dozen rows), the ingredients in one more (joined too, they would multiply those rows). Each selectinload
    # was a query and about 0.4 ms of the ORM's Python; this reads the page's product in 0.9 ms instead of 1.9.
    return (select(Product).where(Product.slug == bindparam("slug"), Product.status == ProductStatus.ACTIVE)
            .options(joinedload(Product.variants), joinedload(Product.images),
                     selectinload(Product.ingredients), joinedload(Product.category)))


def sitemap_entries() -> list[tuple[str, object]]:
    """(slug, updated_at) of every active product."""
    return list(db.session.execute(
        select(Product.slug, Product.updated_at).where(Product.status == ProductStatus.ACTIVE).order_by(Product.id)
    ).all())


def products_by_ids(ids: list[int]) -> dict[int, cards.Card]:
    """The active products among ``ids`` as cards (``cards.cards_by_ids``): search results and related
    products."""
    return cards.cards_by_ids(ids)


# ---------------------------------------------------------------- presentation helpers


"""Back-office catalog use cases: products, variants, images. Each function is one transaction
(``store.db.transaction``: committed here, rolled back on any error), audited, and calls the catalog's own
rules (set_status, set_description, reindex)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from store import search as search_index
from store.admin.audit import services as audit
from store.admin.catalog import images as image_files
from store.catalog import availability
from store.catalog import services as catalog
from store.catalog.models import Category, Product, ProductImage, ProductStatus, Variant
from store.db import transaction
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from store.media import services as media
from store.orders.models import OrderLine
from store.safety import screening
from store.safety.screening import ClaimsNeedOverride, Override  # noqa: F401 (re-exported for views)
from store.util import slugify


class AdminCatalogError(Exception):
    pass


class StaleEdit(AdminCatalogError):
    def __init__(self):
        super().__init__("This product was changed by someone else since you opened it. "
                         "Nothing was saved: reload the page to see their changes, then make yours again.")


class DuplicateSku(AdminCatalogError):
    pass


PRODUCT_FIELDS = ("name", "slug", "kind", "category_id", "summary", "description_md", "warnings", "featured",
                  "status")
COPY_FIELDS = ("name", "summary", "description_md")
VARIANT_FIELDS = ("sku", "option_label", "price_cents", "compare_at_cents", "weight_grams",
                  "low_stock_threshold", "is_active")


@dataclass
class ProductData:
    name: str
    kind: str = "tool"
    category_id: int | None = None
    summary: str = ""
    description_md: str = ""
    warnings: str = ""
    featured: bool = False
    status: str = ProductStatus.DRAFT.value
    slug: str = ""
    ingredients: str | None = None   # one a line, "INCI | common name | percent"; None leaves them as they are


@dataclass
class VariantData:
    sku: str
    price_cents: int
    option_label: str = "Standard"
    compare_at_cents: int | None = None
    weight_grams: int = 0
    low_stock_threshold: int | None = None   # None: the store default (availability.low_stock_threshold)
    is_active: bool = True
    opening_stock: int = 0


@dataclass
class ProductFilter:
    q: str = ""
    category_id: int | None = None
    status: str = ""
    low_stock: bool = False
    page: int = 1
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------ reading

def low_stock_condition():
    """Low stock as the availability policy defines it (active, 0 < available <= threshold)."""
    return availability.needs_restock_clause()


def product_list_statement(f: ProductFilter):
    stmt = select(Product).options(joinedload(Product.category), selectinload(Product.variants),
                                   selectinload(Product.images))
    if f.q:
        like = f"%{f.q.lower()}%"
        stmt = stmt.where(or_(func.lower(Product.name).like(like),
                              exists().where(Variant.product_id == Product.id, func.lower(Variant.sku).like(like))))
    if f.category_id:
        stmt = stmt.where(Product.category_id == f.category_id)
    if f.status in {s.value for s in ProductStatus}:
        stmt = stmt.where(Product.status == f.status)
    if f.low_stock:
        stmt = stmt.where(exists().where(Variant.product_id == Product.id, low_stock_condition()))
    return stmt.order_by(Product.name, Product.id)


def get_product_for_edit(product_id: int) -> Product | None:
    return db.session.scalar(
        select(Product).where(Product.id == product_id)
        .options(selectinload(Product.variants), selectinload(Product.images), joinedload(Product.category)))


def all_categories() -> list[Category]:
    """Every category, hidden ones included (the back office files products under them too)."""
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def is_referenced_by_orders(product_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        OrderLine.variant_id == Variant.id, Variant.product_id == product_id))))


# ------------------------------------------------------------------ writing helpers

def _unique_slug(base: str, exclude_id: int | None = None) -> str:
    base = slugify(base)[:150]
    taken = set(db.session.scalars(select(Product.slug).where(
        or_(Product.slug == base, Product.slug.like(base + "-%")), Product.id != (exclude_id or 0))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _copy_places(data: ProductData) -> dict[str, str]:
    return {f: getattr(data, f) for f in COPY_FIELDS}


def _check_claims(product_id: int | None, data: ProductData, override: Override | None, actor_id: int | None
                  ) -> dict:
    """Screen the copy (only what no override covers yet). Uncleared findings need ``override`` (a reason and a
    PubMed / DOI link); with one, the override rows are written (for a new product: by _record_new_overrides)."""
    return screening.require_cleared("product", product_id, _copy_places(data), override, actor_id=actor_id)


def _claims_changes(found: dict, override: Override | None) -> dict:
    if not found:
        return {}
    override = screening.check_override(override)
    return {"claims_override": [None, sorted({f.phrase.lower() for fs in found.values() for f in fs})],
            "claims_rules": [None, sorted({f.rule for fs in found.values() for f in fs})],
            "claims_evidence": [None, override.evidence]}


def _check_option_label(label: str) -> None:
    found = screening.screen_places({"option label": label})
    if found:
        raise ClaimsNeedOverride(found)


def _apply_product(product: Product, data: ProductData) -> None:
    product.name = data.name.strip()
    product.kind = data.kind
    product.category_id = data.category_id or None
    product.summary = (data.summary or "").strip()
    catalog.set_description(product, data.description_md or "")
    product.warnings = "\n".join(line.strip() for line in (data.warnings or "").splitlines() if line.strip())
    product.featured = bool(data.featured)
    if data.ingredients is not None:
        catalog.set_ingredients(product, catalog.parse_ingredients(data.ingredients))


def _sku_taken(sku: str, exclude_variant_id: int | None = None) -> bool:
    stmt = select(Variant.id).where(func.lower(Variant.sku) == sku.lower())
    if exclude_variant_id:
        stmt = stmt.where(Variant.id != exclude_variant_id)
    return db.session.scalar(stmt.limit(1)) is not None


# ------------------------------------------------------------------ products

def create_product(data: ProductData, variant: VariantData | None, *, actor_id: int | None,
                   claims_override: Override | None = None) -> Product:
    with transaction():
        found = _check_claims(None, data, claims_override, actor_id)
        if variant is not None:
            _check_option_label(variant.option_label)
        if variant is not None and _sku_taken(variant.sku):
            raise DuplicateSku(f"SKU {variant.sku} is already used by another variant.")
        product = Product(slug=_unique_slug(data.slug or data.name), status=ProductStatus.DRAFT.value)
        _apply_product(product, data)
        db.session.add(product)
        if variant is not None:
            product.variants.append(_new_variant(variant, position=0))
        db.session.flush()
        if variant is not None and variant.opening_stock:
            inventory.adjust(product.variants[0].id, variant.opening_stock, MovementKind.INITIAL,
                             actor_id=actor_id, note="Opening stock")
        if data.status != ProductStatus.DRAFT:
            catalog.set_status(product, data.status)
        if found:
            screening.record_overrides("product", product.id, _copy_places(data), found, claims_override,
                                       actor_id=actor_id)
        changes = {f: [None, getattr(product, f)] for f in PRODUCT_FIELDS}
        changes["ingredients"] = [None, catalog.format_ingredients(product)]
        changes.update(_claims_changes(found, claims_override))
        audit.record(actor_id, "product.create", product, changes,
                     reason=claims_override.reason if found else "")
        if variant is not None:
            v = product.variants[0]
            audit.record(actor_id, "variant.create", v, {f: [None, getattr(v, f)] for f in VARIANT_FIELDS})
        db.session.flush()
        catalog.reindex_product(product)
    return product


def update_product(product_id: int, expected_version: int, data: ProductData, *, actor_id: int | None,
                   claims_override: Override | None = None) -> Product:
    """Save an edit made on a form opened at ``expected_version``; refuse (StaleEdit) if the product
    changed since. The version check is repeated by the database (version_id_col) at flush time."""
    try:
        with transaction():
            product = get_product_for_edit(product_id)
            if product is None:
                raise AdminCatalogError("That product no longer exists.")
            if product.version != expected_version:
                raise StaleEdit()
            before = audit.snapshot(product, PRODUCT_FIELDS)
            before["ingredients"] = catalog.format_ingredients(product)
            found = _check_claims(product.id, data, claims_override, actor_id)
            _apply_product(product, data)
            if data.slug and slugify(data.slug) != product.slug:
                product.slug = _unique_slug(data.slug, exclude_id=product.id)
            catalog.set_status(product, data.status)   # re-checks warnings/variants/images when active
            after = audit.snapshot(product, PRODUCT_FIELDS)
            after["ingredients"] = catalog.format_ingredients(product)
            changes = audit.diff(before, after)
            changes.update(_claims_changes(found, claims_override))
            if changes:
                audit.record(actor_id, "product.update", product, changes,
                             reason=claims_override.reason if found else "")
            db.session.flush()
            catalog.reindex_product(product)
    except StaleDataError as exc:
        raise StaleEdit() from exc
    return product


def delete_product(product_id: int, *, actor_id: int | None) -> str:
    """Delete a product, or archive it when orders refer to it. Returns "deleted" or "archived".
    The pictures of a deleted product go with it (their blobs too, unless another picture shares them)."""
    with transaction():
        product = get_product_for_edit(product_id)
        if product is None:
            raise AdminCatalogError("That product no longer exists.")
        if is_referenced_by_orders(product.id):
            before = product.status
            product.status = ProductStatus.ARCHIVED.value
            audit.record(actor_id, "product.archive", product, {"status": [before, product.status]},
                         reason="Referenced by orders: archived instead of deleted")
            db.session.flush()
            catalog.reindex_product(product)
            return "archived"
        pictures = [img.picture for img in product.images if img.picture is not None]
        audit.record(actor_id, "product.delete", product,
                     {"name": [product.name, None], "slug": [product.slug, None],
                      "skus": [[v.sku for v in product.variants], None]})
        search_index.remove_document("product", product.id)
        db.session.delete(product)
        db.session.flush()
        _delete_unused_pictures(pictures)
    return "deleted"


# ------------------------------------------------------------------ variants

def _new_variant(data: VariantData, position: int) -> Variant:
    return Variant(sku=data.sku.strip(), option_label=data.option_label.strip() or "Standard",
                   price_cents=data.price_cents, compare_at_cents=data.compare_at_cents,
                   weight_grams=data.weight_grams, low_stock_threshold=data.low_stock_threshold,
                   is_active=data.is_active, on_hand=0, reserved=0, position=position)


def add_variant(product_id: int, data: VariantData, *, actor_id: int | None) -> Variant:
    try:
        with transaction():
            product = get_product_for_edit(product_id)
            if product is None:
                raise AdminCatalogError("That product no longer exists.")
            if _sku_taken(data.sku):
                raise DuplicateSku(f"SKU {data.sku} is already used by another variant.")
            _check_option_label(data.option_label)
            variant = _new_variant(data, position=max((v.position for v in product.variants), default=-1) + 1)
            product.variants.append(variant)
            db.session.flush()
            if data.opening_stock:
                inventory.adjust(variant.id, data.opening_stock, MovementKind.INITIAL, actor_id=actor_id,
                                 note="Opening stock")
            audit.record(actor_id, "variant.create", variant,
                         {f: [None, getattr(variant, f)] for f in VARIANT_FIELDS})
            catalog.reindex_product(product)
    except IntegrityError as exc:
        raise DuplicateSku(f"SKU {data.sku} is already used by another variant.") from exc
    return variant


def update_variant(variant_id: int, data: VariantData, *, actor_id: int | None) -> Variant:
    try:
        with transaction():
            variant = db.session.get(Variant, variant_id)
            if variant is None:
                raise AdminCatalogError("That variant no longer exists.")
            if data.sku.strip().lower() != variant.sku.lower() and _sku_taken(data.sku, variant.id):
                raise DuplicateSku(f"SKU {data.sku} is already used by another variant.")
            if (data.option_label or "").strip() != variant.option_label:
                _check_option_label(data.option_label)
            before = audit.snapshot(variant, VARIANT_FIELDS)
            variant.sku = data.sku.strip()
            variant.option_label = data.option_label.strip() or "Standard"
            variant.price_cents = data.price_cents
            variant.compare_at_cents = data.compare_at_cents
            variant.weight_grams = data.weight_grams
            variant.low_stock_threshold = data.low_stock_threshold
            variant.is_active = data.is_active
            product = variant.product
            if product.status == ProductStatus.ACTIVE:
                catalog.set_status(product, ProductStatus.ACTIVE)  # still publishable with this change?
            changes = audit.diff(before, audit.snapshot(variant, VARIANT_FIELDS))
            if changes:
                audit.record(actor_id, "variant.update", variant, changes)
            db.session.flush()
            catalog.reindex_product(product)
    except IntegrityError as exc:
        raise DuplicateSku(f"SKU {data.sku} is already used by another variant.") from exc
    return variant


# ------------------------------------------------------------------ images

def _delete_unused_pictures(pictures) -> None:
    for picture in pictures:
        media.delete_picture_if_unused(picture)   # a category may show the same picture


def add_image(product_id: int, *, filename: str, mimetype: str, data: bytes, alt_text: str,
              max_bytes: int | None, actor_id: int | None) -> ProductImage:
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise image_files.ImageRejected("Describe the picture in the alt text (it is read aloud to blind shoppers).")
    product = get_product_for_edit(product_id)
    if product is None:
        raise AdminCatalogError("That product no longer exists.")
    encoded = image_files.encode_upload(filename, mimetype, data, max_bytes)  # before the write transaction
    with transaction():
        picture = media.save_picture(encoded)
        largest, smallest = picture.rendition("webp"), picture.rendition("webp", 0)
        image = ProductImage(path=image_files.media_path(largest.blob_sha256),
                             thumb_path=image_files.media_path(smallest.blob_sha256), alt_text=alt_text[:300],
                             width=largest.width, height=largest.height, picture=picture,
                             position=max((i.position for i in product.images), default=-1) + 1)
        product.images.append(image)
        db.session.flush()
        audit.record(actor_id, "image.add", image, {"path": [None, image.path],
                                                    "alt_text": [None, image.alt_text],
                                                    "product_id": [None, product.id]})
    return image


def move_image(product_id: int, image_id: int, direction: str, *, actor_id: int | None) -> None:
    with transaction():
        product = get_product_for_edit(product_id)
        if product is None:
            raise AdminCatalogError("That product no longer exists.")
        ordered = sorted(product.images, key=lambda i: (i.position, i.id))
        index = next((n for n, i in enumerate(ordered) if i.id == image_id), None)
        if index is None:
            raise AdminCatalogError("That picture is not on this product.")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        before = [i.id for i in sorted(product.images, key=lambda i: (i.position, i.id))]
        for position, image in enumerate(ordered):
            image.position = position
        audit.record(actor_id, "image.reorder", product, {"image_order": [before, [i.id for i in ordered]]})


def delete_image(product_id: int, image_id: int, *, actor_id: int | None) -> None:
    with transaction():
        product = get_product_for_edit(product_id)
        image = next((i for i in (product.images if product else []) if i.id == image_id), None)
        if image is None:
            raise AdminCatalogError("That picture is not on this product.")
        if product.status == ProductStatus.ACTIVE and len(product.images) == 1:
            raise AdminCatalogError("An active product needs at least one picture: add another first, "
                                    "or set the product to draft.")
        picture = image.picture
        audit.record(actor_id, "image.delete", image, {"path": [image.path, None], "alt_text": [image.alt_text, None],
                                                       "product_id": [product.id, None]})
        product.images.remove(image)
        db.session.flush()
        if picture is not None:
            _delete_unused_pictures([picture])

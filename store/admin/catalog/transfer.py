"""The full catalog in one CSV: export, validate (a preview plan), import all or nothing.

Format (UTF-8, header row, one row per VARIANT; the product's fields are repeated on each of its rows and must
agree; rows of one product need not be adjacent):

  product_slug, name, kind (tool|oil|accessory), status (draft|active|archived), featured (yes|no),
  category_slug, category_name, category_description, category_position (blank: after the others),
  summary, description_md, warnings (one per line inside the cell),
  image_path, image_alt (the first picture, by path; used only when a product is created),
  sku, option_label, price, compare_at (blank: none), on_hand, weight_grams,
  low_stock_threshold (blank: store default), variant_active (yes|no),
  ingredients (optional column: one per line inside the cell, "INCI name | common name | percent"; a file
  without the column leaves ingredient lists as they are)

Import: products are matched by slug and variants by SKU; what exists is updated, the rest created; variants
and products missing from the file are left as they are. Categories are matched by slug and created when new;
an existing category takes the file's name, description and position (a blank position keeps its place). Every
row of one category must give it the same name, description and position. Files written before the two
category_description / category_position columns existed still import (the columns may be left out).
Stock is set to ``on_hand`` through the ledger (opening stock for a new variant, a count correction otherwise).
Line numbers are spreadsheet row numbers (the header is line 1; a row whose cell holds several lines of text
counts once). A product marked active goes through ``catalog.services.set_status``: one without warnings (or without a
picture or an active variant, an oil without ingredients, an allergen without its warning, or copy the claims
screen flags and no override covers) is imported as a draft, and the preview says so. Any invalid line rejects the
whole file (nothing written) with its line number.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Callable

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from store.admin.audit import services as audit
from store.admin.forms import compare_at_problem
from store.catalog import services as catalog
from store.catalog.models import Category, Product, ProductImage, ProductKind, ProductStatus, Variant
from store.db import transaction
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from store.money import MoneyError, cents_to_decimal_string, parse_money
from store.safety import screening

COLUMNS = ["product_slug", "name", "kind", "status", "featured", "category_slug", "category_name",
           "category_description", "category_position", "summary", "description_md", "warnings", "image_path", "image_alt", "sku", "option_label", "price", "compare_at",
           "on_hand", "weight_grams", "low_stock_threshold", "variant_active"]
PRODUCT_COLUMNS = ["name", "kind", "status", "featured", "category_slug", "category_name", "category_description",
                   "category_position", "summary", "description_md", "warnings", "image_path", "image_alt"]
OPTIONAL_COLUMNS = {"category_description", "category_position"}
CATEGORY_FIELDS = ("category_name", "category_description", "category_position")
EXTRA_COLUMNS = ["ingredients"]   # optional, after the others; a file without it leaves ingredients alone
MAX_ROWS = 20_000
_IMAGE_PATH = re.compile(r"^(img|media)/[A-Za-z0-9._/-]{1,280}$")
_SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


class CatalogImportRejected(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors[:5]))


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def export_csv() -> str:
    currency = current_app.config["STORE_CURRENCY"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS + EXTRA_COLUMNS)
    products = db.session.scalars(select(Product).order_by(Product.id).options(
        selectinload(Product.variants), selectinload(Product.images), selectinload(Product.ingredients),
        joinedload(Product.category)))
    for p in products:
        image = p.images[0] if p.images else None
        c = p.category
        for v in p.variants:
            writer.writerow([
                p.slug, p.name, p.kind, p.status, _yes(p.featured), c.slug if c else "", c.name if c else "",
                c.description if c else "", c.position if c else "", p.summary, p.description_md, p.warnings, image.path if image else "", image.alt_text if image else "",
                v.sku, v.option_label, cents_to_decimal_string(v.price_cents, currency),
                "" if v.compare_at_cents is None else cents_to_decimal_string(v.compare_at_cents, currency),
                v.on_hand, v.weight_grams, "" if v.low_stock_threshold is None else v.low_stock_threshold,
                _yes(v.is_active), catalog.format_ingredients(p)])
    return out.getvalue()


@dataclass
class VariantRow:
    line: int
    sku: str
    option_label: str
    price_cents: int
    compare_at_cents: int | None
    on_hand: int
    weight_grams: int
    low_stock_threshold: int | None
    is_active: bool


@dataclass
class ProductRow:
    line: int
    slug: str
    fields: dict
    variants: list[VariantRow] = field(default_factory=list)
    action: str = "create"            # create | update | unchanged (filled in by the plan)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    products: list[ProductRow]
    new_categories: list[str]
    changed_categories: list[str] = field(default_factory=list)   # "slug (name, description)" for the preview

    @property
    def created(self) -> int:
        return sum(p.action == "create" for p in self.products)

    @property
    def updated(self) -> int:
        return sum(p.action == "update" for p in self.products)

    @property
    def rows(self) -> int:
        return sum(len(p.variants) for p in self.products)


def _int(text: str, what: str, minimum: int = 0, maximum: int = 1_000_000, blank=0):
    text = (text or "").strip()
    if not text:
        if blank is ValueError:
            raise ValueError(f"{what} is required")
        return blank
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{what} must be a whole number, not “{text[:20]}”") from None
    if not minimum <= value <= maximum:
        raise ValueError(f"{what} must be between {minimum} and {maximum}")
    return value


def _bool(text: str, what: str, blank: bool) -> bool:
    text = (text or "").strip().lower()
    if not text:
        return blank
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise ValueError(f"{what} must be yes or no")


def _slug(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > 120 or not set(text) <= _SLUG_CHARS or text.startswith("-") or "--" in text:
        raise ValueError(f"{what} “{text[:40]}” must be lower-case letters, digits and single hyphens")
    return text


def parse(data: bytes | str) -> list[ProductRow]:
    """Check every line; raises CatalogImportRejected with every problem (line-numbered) or returns products."""
    currency = current_app.config["STORE_CURRENCY"]
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CatalogImportRejected(["The file is not UTF-8 text (save it as CSV UTF-8)."]) from None
    if "\x00" in data:
        raise CatalogImportRejected(["The file contains NUL bytes: it is not a CSV text file."])
    reader = csv.DictReader(io.StringIO(data))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or []) and c not in OPTIONAL_COLUMNS]
    if missing:
        raise CatalogImportRejected([f"Line 1: missing column(s): {', '.join(missing)}."])
    errors: list[str] = []
    products: dict[str, ProductRow] = {}
    skus: dict[str, int] = {}
    category_rows: dict[str, tuple[int, dict]] = {}
    try:
        line = 1
        for line, row in enumerate(reader, start=2):
            if line > MAX_ROWS + 1:
                errors.append(f"More than {MAX_ROWS} rows: split the file.")
                break
            if None in row:
                errors.append(f"Line {line}: more cells than columns.")
                continue
            row = {c: "" for c in OPTIONAL_COLUMNS} | {k: (v or "") for k, v in row.items()}
            if not any(v.strip() for v in row.values()):
                continue
            try:
                slug = _slug(row["product_slug"], "product_slug")
                name = row["name"].strip()
                if not name or len(name) > 160:
                    raise ValueError("name is required (at most 160 characters)")
                if row["kind"].strip() not in {k.value for k in ProductKind}:
                    raise ValueError("kind must be tool, oil or accessory")
                if row["status"].strip() not in {s.value for s in ProductStatus}:
                    raise ValueError("status must be draft, active or archived")
                category_slug = row["category_slug"].strip()
                if category_slug:
                    _slug(category_slug, "category_slug")
                    if not row["category_name"].strip() or len(row["category_name"].strip()) > 120:
                        raise ValueError("category_name is required with a category_slug (at most 120 characters)")
                    if len(row["category_description"]) > 5_000:
                        raise ValueError("category_description is longer than 5,000 characters")
                elif row["category_description"].strip() or row["category_position"].strip():
                    raise ValueError("category_description and category_position need a category_slug")
                if len(row["summary"]) > 300:
                    raise ValueError("summary is longer than 300 characters")
                image_path = row["image_path"].strip()
                if image_path and (not _IMAGE_PATH.match(image_path) or ".." in image_path):
                    raise ValueError("image_path must be a picture path such as img/products/x.svg or media/<id>.webp")
                if bool(image_path) != bool(row["image_alt"].strip()):
                    raise ValueError("image_path and image_alt go together (alt text is required)")
                fields = {c: row[c].strip() if c not in ("description_md", "warnings", "category_description")
                          else row[c] for c in PRODUCT_COLUMNS}
                fields["category_description"] = fields["category_description"].replace("\r\n", "\n").strip()
                fields["category_position"] = _int(row["category_position"], "category_position",
                                                   minimum=-10_000, maximum=10_000, blank=None)
                fields["warnings"] = fields["warnings"].replace("\r\n", "\n")
                fields["description_md"] = fields["description_md"].replace("\r\n", "\n")
                fields["featured"] = _bool(row["featured"], "featured", False)
                if "ingredients" in row:
                    try:
                        catalog.parse_ingredients(row["ingredients"])
                    except catalog.IngredientsInvalid as exc:
                        raise ValueError(f"ingredients: {exc}") from None
                    fields["ingredients"] = row["ingredients"].replace("\r\n", "\n").strip()
                else:
                    fields["ingredients"] = None
                sku = row["sku"].strip()
                if not sku or len(sku) > 64:
                    raise ValueError("sku is required (at most 64 characters)")
                if sku in skus:
                    raise ValueError(f"SKU {sku} already appears on line {skus[sku]}")
                try:
                    price = parse_money(row["price"], currency)
                    compare_at = parse_money(row["compare_at"], currency) if row["compare_at"].strip() else None
                except MoneyError as exc:
                    raise ValueError(f"price/compare_at: {exc}") from None
                if (problem := compare_at_problem(price, compare_at)):
                    raise ValueError(f"compare_at: {problem}")
                variant = VariantRow(line=line, sku=sku, option_label=(row["option_label"].strip() or "Standard")[:80],
                                     price_cents=price, compare_at_cents=compare_at,
                                     on_hand=_int(row["on_hand"], "on_hand"),
                                     weight_grams=_int(row["weight_grams"], "weight_grams", maximum=100_000),
                                     low_stock_threshold=_int(row["low_stock_threshold"], "low_stock_threshold",
                                                              maximum=100_000, blank=None),
                                     is_active=_bool(row["variant_active"], "variant_active", True))
                product = products.get(slug)
                if product is None:
                    product = products[slug] = ProductRow(line=line, slug=slug, fields=fields)
                elif product.fields != fields:
                    differing = [c for c in PRODUCT_COLUMNS + EXTRA_COLUMNS if product.fields[c] != fields[c]]
                    raise ValueError(f"product {slug}'s {', '.join(differing)} differ from line {product.line}")
                if category_slug:
                    first = category_rows.setdefault(category_slug, (line, fields))
                    differing = [c for c in CATEGORY_FIELDS if first[1][c] != fields[c]]
                    if differing:
                        raise ValueError(f"category {category_slug}'s {', '.join(differing)} differ from line "
                                         f"{first[0]}")
            except ValueError as exc:
                errors.append(f"Line {line}: {exc}.")
                continue
            skus[sku] = line
            product.variants.append(variant)
    except csv.Error as exc:
        errors.append(f"Line {line + 1}: not valid CSV ({exc}).")
    if not errors and not products:
        errors.append("The file has no product rows.")
    if errors:
        raise CatalogImportRejected(errors)
    return list(products.values())


def plan(data: bytes | str) -> Plan:
    """Parse and compare with the database: what would be created and changed. Reads only."""
    rows = parse(data)
    errors = []
    existing = {p.slug: p for p in db.session.scalars(
        select(Product).where(Product.slug.in_([r.slug for r in rows]))
        .options(selectinload(Product.variants), joinedload(Product.category)))}
    sku_owner = dict(db.session.execute(select(Variant.sku, Variant.product_id).where(
        Variant.sku.in_([v.sku for r in rows for v in r.variants]))).all())
    existing_categories = {c.slug: c for c in db.session.scalars(select(Category))}
    categories = set(existing_categories)
    new_categories = []
    changed_categories = {}
    for r in rows:
        product = existing.get(r.slug)
        for v in r.variants:
            owner = sku_owner.get(v.sku)
            if owner is not None and (product is None or owner != product.id):
                errors.append(f"Line {v.line}: SKU {v.sku} belongs to another product in the store.")
        cat = r.fields["category_slug"]
        if cat and cat not in categories and cat not in new_categories:
            new_categories.append(cat)
        elif cat in existing_categories and cat not in changed_categories:
            changes = _category_changes(existing_categories[cat], r.fields)
            if changes:
                changed_categories[cat] = f"{cat} ({', '.join(changes)})"
        if r.fields["status"] == "active" and not any(line.strip() for line in r.fields["warnings"].splitlines()):
            r.notes.append("no safety warnings: it stays a draft")
        if r.fields["status"] == "active" and _flagged(r, product):
            r.notes.append("the claims check flags its copy: it stays a draft until someone overrides it "
                           "with evidence in the product form")
        if product is None:
            r.action = "create"
            continue
        current = {"name": product.name, "kind": product.kind, "status": product.status,
                   "featured": product.featured, "category_slug": product.category.slug if product.category else "",
                   "summary": product.summary, "description_md": product.description_md,
                   "warnings": product.warnings}
        r.changes = [k for k, v in current.items() if r.fields[k] != v]
        if r.fields["ingredients"] is not None and r.fields["ingredients"] != catalog.format_ingredients(product):
            r.changes.append("ingredients")
        by_sku = {v.sku: v for v in product.variants}
        for v in r.variants:
            old = by_sku.get(v.sku)
            if old is None:
                r.changes.append(f"new variant {v.sku}")
            elif (old.option_label, old.price_cents, old.compare_at_cents, old.on_hand, old.weight_grams,
                  old.low_stock_threshold, old.is_active) != (v.option_label, v.price_cents, v.compare_at_cents,
                                                             v.on_hand, v.weight_grams, v.low_stock_threshold,
                                                             v.is_active):
                r.changes.append(f"variant {v.sku}")
        r.action = "update" if r.changes else "unchanged"
    if errors:
        raise CatalogImportRejected(errors)
    return Plan(products=rows, new_categories=new_categories, changed_categories=list(changed_categories.values()))


def _category_changes(category: Category, fields: dict) -> list[str]:
    changes = []
    if category.name != fields["category_name"][:120]:
        changes.append("name")
    if category.description != fields["category_description"]:
        changes.append("description")
    if fields["category_position"] is not None and category.position != fields["category_position"]:
        changes.append("position")
    return changes


def _copy(r: ProductRow) -> dict[str, str]:
    return {"name": r.fields["name"], "summary": r.fields["summary"], "description_md": r.fields["description_md"]}


def _flagged(r: ProductRow, product: Product | None) -> dict:
    """The row's copy the claims screen flags and no override covers (a new product has no override yet)."""
    return screening.uncleared("product", product.id if product is not None else None, _copy(r))


def apply(data: bytes | str, *, actor_id: int | None, source: str = "CSV import",
          progress: Callable[[int], None] | None = None) -> Plan:
    """Re-validate ``data`` and write it, all or nothing, in one transaction; audited per product."""
    with transaction(write=True):
        result = plan(data)
        rows_by_slug = {}
        categories = {c.slug: c for c in db.session.scalars(select(Category))}
        seen = set()
        for r in result.products:
            f = r.fields
            cat_slug = f["category_slug"]
            if not cat_slug or cat_slug in seen:
                continue
            seen.add(cat_slug)
            category = categories.get(cat_slug)
            if category is None:
                position = f["category_position"]
                category = categories[cat_slug] = Category(
                    slug=cat_slug, name=f["category_name"][:120], description=f["category_description"],
                    position=len(categories) if position is None else position)
                db.session.add(category)
                db.session.flush()
                audit.record(actor_id, "category.create", category,
                             {k: [None, getattr(category, k)] for k in ("name", "slug", "description", "position")},
                             reason=source)
            elif _category_changes(category, f):
                before = audit.snapshot(category, ("name", "description", "position"))
                category.name, category.description = f["category_name"][:120], f["category_description"]
                if f["category_position"] is not None:
                    category.position = f["category_position"]
                db.session.flush()
                audit.record(actor_id, "category.update", category,
                             audit.diff(before, audit.snapshot(category, ("name", "description", "position"))),
                             reason=source)
        db.session.flush()
        for r in result.products:
            _apply_product(r, categories, actor_id, source)
            rows_by_slug[r.slug] = r
            if progress is not None:
                progress(len(r.variants))
    return result


def _apply_product(r: ProductRow, categories: dict, actor_id: int | None, source: str) -> None:
    f = r.fields
    product = db.session.scalar(select(Product).where(Product.slug == r.slug).options(
        selectinload(Product.variants), selectinload(Product.images)))
    creating = product is None
    if creating:
        product = Product(slug=r.slug, status=ProductStatus.DRAFT.value)
        db.session.add(product)
    before = {} if creating else audit.snapshot(product, ("name", "kind", "status", "featured", "category_id",
                                                          "summary", "warnings"))
    wanted = ProductStatus(f["status"])
    has_warnings = any(line.strip() for line in f["warnings"].splitlines())
    if not creating and (wanted != ProductStatus.ACTIVE or not has_warnings):
        # Leave "active" first, so the database's check never sees an active product without warnings.
        catalog.set_status(product, wanted if wanted != ProductStatus.ACTIVE else ProductStatus.DRAFT)
    product.name, product.kind, product.summary = f["name"], f["kind"], f["summary"]
    product.warnings, product.featured = f["warnings"], f["featured"]
    product.category = categories.get(f["category_slug"]) if f["category_slug"] else None
    if product.description_md != f["description_md"] or creating:
        catalog.set_description(product, f["description_md"])
    if f["ingredients"] is not None:
        catalog.set_ingredients(product, catalog.parse_ingredients(f["ingredients"]))
    if creating and f["image_path"]:
        product.images.append(ProductImage(path=f["image_path"][:300], alt_text=f["image_alt"][:300], position=0))
    by_sku = {v.sku: v for v in product.variants}
    new_variants = []
    for position, v in enumerate(r.variants):
        variant = by_sku.get(v.sku)
        if variant is None:
            variant = Variant(sku=v.sku, on_hand=0, position=len(by_sku) + position)
            product.variants.append(variant)
            new_variants.append(variant)
        variant.option_label, variant.price_cents, variant.compare_at_cents = (v.option_label, v.price_cents,
                                                                               v.compare_at_cents)
        variant.weight_grams, variant.low_stock_threshold, variant.is_active = (v.weight_grams,
                                                                                v.low_stock_threshold, v.is_active)
    db.session.flush()
    for v in r.variants:
        variant = next(x for x in product.variants if x.sku == v.sku)
        if variant in new_variants:
            if v.on_hand:
                inventory.adjust(variant.id, v.on_hand, MovementKind.INITIAL, actor_id=actor_id, note=source)
        else:
            inventory.set_on_hand(variant.id, v.on_hand, actor_id=actor_id, note=source)
    db.session.refresh(product)
    if wanted == ProductStatus.ACTIVE and _flagged(r, product):
        wanted = ProductStatus.DRAFT   # flagged copy goes live only with an override (reason and evidence)
    try:
        catalog.set_status(product, wanted)
    except catalog.CatalogError:
        catalog.set_status(product, ProductStatus.DRAFT)   # imported without warnings (or picture): a draft
    catalog.reindex_product(product)
    db.session.flush()
    after = audit.snapshot(product, ("name", "kind", "status", "featured", "category_id", "summary", "warnings"))
    audit.record(actor_id, "product.import", product,
                 {k: [before.get(k), after[k]] for k in after if creating or before.get(k) != after[k]}
                 | {"skus": [None, [v.sku for v in r.variants]]}, reason=source)

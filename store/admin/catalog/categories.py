"""Back-office categories and bulk product actions. Each function is one transaction, audited.

Categories: create, rename/describe/order/hide (the slug changes only when edited explicitly, and the old one
then redirects), delete only when empty (``catalog.services.ensure_category_deletable``); an optional picture per category
(``set_category_picture`` / ``remove_category_picture``: checked and re-encoded by the same upload rules as
product pictures, stored in ``store.media``; a replaced picture is deleted once nothing else shows it).

Bulk actions (publish, archive, move to a category) on a list of product ids: one transaction; each product
goes through the same rule as one at a time (``catalog.services.set_status``). A product the rule refuses is
left unchanged and NAMED in the result; the others go through (not all-or-nothing), each audited.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from store.admin.audit import services as audit
from store.admin.catalog import images as image_files
from store.catalog import services as catalog
from store.catalog.models import Category, CategoryPicture, CategorySlugRedirect, Product, ProductStatus
from store.db import transaction
from store.extensions import db
from store.media import services as media
from store.safety import screening
from store.util import slugify

CATEGORY_FIELDS = ("name", "slug", "description", "position", "hidden")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CategoryError(Exception):
    pass


@dataclass
class CategoryData:
    name: str
    description: str = ""
    position: int = 0
    hidden: bool = False
    slug: str = ""          # blank on create: from the name; blank on edit: unchanged


def category_list() -> list[tuple[Category, int]]:
    counts = dict(db.session.execute(select(Product.category_id, func.count()).group_by(Product.category_id)).all())
    return [(c, counts.get(c.id, 0)) for c in
            db.session.scalars(select(Category).order_by(Category.position, Category.name))]


def _slug_taken(slug: str, exclude_id: int | None) -> bool:
    other = db.session.scalar(select(Category.id).where(Category.slug == slug))
    if other is not None and other != exclude_id:
        return True
    redirect = db.session.get(CategorySlugRedirect, slug)
    return redirect is not None and redirect.category_id != exclude_id


def _clean_slug(slug: str, exclude_id: int | None) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or len(slug) > 120:
        raise CategoryError("A web address may use lower-case letters, digits and single hyphens only.")
    if _slug_taken(slug, exclude_id):
        raise CategoryError(f"The web address “{slug}” is already used by another category (or was one's before).")
    return slug


def create_category(data: CategoryData, *, actor_id: int | None) -> Category:
    name = (data.name or "").strip()
    if not name:
        raise CategoryError("Give the category a name.")
    with transaction():
        if data.slug.strip():
            slug = _clean_slug(data.slug, None)
        else:
            base = slugify(name)
            slug, n = base, 2
            while _slug_taken(slug, None):
                slug, n = f"{base[:110]}-{n}", n + 1
        category = Category(name=name[:120], slug=slug, description=data.description or "",
                            position=data.position or 0, hidden=bool(data.hidden))
        db.session.add(category)
        db.session.flush()
        audit.record(actor_id, "category.create", category, {f: [None, getattr(category, f)] for f in CATEGORY_FIELDS})
    return category


def update_category(category_id: int, data: CategoryData, *, actor_id: int | None) -> Category:
    name = (data.name or "").strip()
    if not name:
        raise CategoryError("Give the category a name.")
    with transaction():
        category = db.session.get(Category, category_id)
        if category is None:
            raise CategoryError("That category no longer exists.")
        before = audit.snapshot(category, CATEGORY_FIELDS)
        category.name = name[:120]
        category.description = data.description or ""
        category.position = data.position or 0
        category.hidden = bool(data.hidden)
        if data.slug.strip() and data.slug.strip().lower() != category.slug:
            catalog.change_category_slug(category, _clean_slug(data.slug, category.id))
        db.session.flush()
        changes = audit.diff(before, audit.snapshot(category, CATEGORY_FIELDS))
        if changes:
            audit.record(actor_id, "category.update", category, changes)
            # Search indexes a product's category name: keep the active ones current.
            if "name" in changes:
                for product in db.session.scalars(select(Product).where(Product.category_id == category.id,
                                                                        Product.status == ProductStatus.ACTIVE)):
                    catalog.reindex_product(product)
    return category


def set_category_picture(category_id: int, *, filename: str, mimetype: str, data: bytes, alt_text: str,
                         max_bytes: int | None, actor_id: int | None) -> Category:
    """Give a category a picture (replacing its old one). Raises ``ImageRejected`` with a message for the form."""
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise image_files.ImageRejected("Describe the picture in the alt text (it is read aloud to blind shoppers).")
    if db.session.get(Category, category_id) is None:
        raise CategoryError("That category no longer exists.")
    encoded = image_files.encode_upload(filename, mimetype, data, max_bytes)  # CPU work, before the write
    with transaction():
        category = db.session.get(Category, category_id)
        if category is None:
            raise CategoryError("That category no longer exists.")
        old = category.picture
        before = {"picture_id": old.id if old else None, "picture_alt": category.picture_alt}
        picture = media.save_picture(encoded)
        if category.picture_link is None:
            category.picture_link = CategoryPicture(picture=picture, alt_text=alt_text[:300])
        else:
            category.picture_link.picture = picture
            category.picture_link.alt_text = alt_text[:300]
        db.session.flush()
        audit.record(actor_id, "category.picture", category,
                     audit.diff(before, {"picture_id": picture.id, "picture_alt": category.picture_alt}))
        if old is not None and old.id != picture.id:
            media.delete_picture_if_unused(old)
    return category


def remove_category_picture(category_id: int, *, actor_id: int | None) -> None:
    with transaction():
        category = db.session.get(Category, category_id)
        if category is None:
            raise CategoryError("That category no longer exists.")
        old = category.picture
        if old is None:
            return
        audit.record(actor_id, "category.picture", category,
                     {"picture_id": [old.id, None], "picture_alt": [category.picture_alt, ""]})
        category.picture_link = None
        db.session.flush()
        media.delete_picture_if_unused(old)


def delete_category(category_id: int, *, actor_id: int | None) -> str:
    with transaction():
        category = db.session.get(Category, category_id)
        if category is None:
            raise CategoryError("That category no longer exists.")
        try:
            catalog.ensure_category_deletable(category)
        except catalog.CategoryInUse as exc:
            raise CategoryError(str(exc)) from exc
        name = category.name
        picture = category.picture
        audit.record(actor_id, "category.delete", category, {"name": [name, None], "slug": [category.slug, None]})
        db.session.delete(category)
        db.session.flush()
        if picture is not None:
            media.delete_picture_if_unused(picture)
    return name


# ------------------------------------------------------------------ bulk actions

BULK_ACTIONS = {"publish": "Publish", "archive": "Archive", "move": "Move to category"}


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)   # (product name, why)


def bulk_update(product_ids: list[int], action: str, *, category_id: int | None = None,
                actor_id: int | None) -> BulkResult:
    if action not in BULK_ACTIONS:
        raise CategoryError("Choose an action.")
    ids = sorted(set(product_ids))
    if not ids:
        raise CategoryError("Tick at least one product.")
    result = BulkResult()
    with transaction():
        target = None
        if action == "move":
            if category_id:
                target = db.session.get(Category, category_id)
                if target is None:
                    raise CategoryError("That category no longer exists.")
        products = list(db.session.scalars(
            select(Product).where(Product.id.in_(ids)).order_by(Product.name, Product.id)
            .options(selectinload(Product.variants), selectinload(Product.images))))
        if len(products) != len(ids):
            raise CategoryError("Some of the ticked products no longer exist; reload the list and try again.")
        for product in products:
            if action == "move":
                before = product.category_id
                if before == (target.id if target else None):
                    result.done.append(product.name)
                    continue
                product.category = target
                db.session.flush()
                audit.record(actor_id, "product.update", product, {"category_id": [before, product.category_id]},
                             reason="bulk move")
                catalog.reindex_product(product)
            else:
                status = ProductStatus.ACTIVE if action == "publish" else ProductStatus.ARCHIVED
                before = product.status
                if before == status.value:
                    result.done.append(product.name)
                    continue
                if status == ProductStatus.ACTIVE:
                    flagged = screening.uncleared("product", product.id, {
                        "name": product.name, "summary": product.summary, "description_md": product.description_md})
                    if flagged:
                        result.refused.append((product.name, str(screening.ClaimsNeedOverride(flagged))
                                               + " Open the product to override with evidence."))
                        continue
                try:
                    catalog.set_status(product, status)
                except catalog.CatalogError as exc:
                    result.refused.append((product.name, str(exc)))
                    continue
                audit.record(actor_id, "product.update", product, {"status": [before, product.status]},
                             reason=f"bulk {action}")
            result.done.append(product.name)
        db.session.flush()
    return result

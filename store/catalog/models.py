"""Catalog: categories, products, variants, images."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import inspect
from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, event, false, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from store.extensions import db
from store.media.models import Picture
from store.util import utcnow


class ProductKind(enum.StrEnum):
    TOOL = "tool"
    OIL = "oil"
    ACCESSORY = "accessory"


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


# Safety is structural: the database refuses an active product whose warnings are empty. SQL's trim() strips
# spaces only, so newlines, carriage returns and tabs are first turned into spaces (raw characters inside the
# literals, the one spelling SQLite and PostgreSQL share).
ACTIVE_NEEDS_WARNINGS_SQL = (
    "status <> 'active' OR "
    "length(trim(replace(replace(replace(warnings, '\n', ' '), '\r', ' '), '\t', ' '))) > 0"
)


def _warning_lines(text_: str | None) -> list[str]:
    return [line.strip() for line in (text_ or "").splitlines() if line.strip()]


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # Hidden: not listed on the shop front or in the sitemap; its products keep their own URLs.
    hidden: Mapped[bool] = mapped_column(default=False, server_default=false())

    products: Mapped[list["Product"]] = relationship(back_populates="category")
    # An optional picture for the category's tile on the home page and the top of its product list.
    picture_link: Mapped["CategoryPicture | None"] = relationship(
        back_populates="category", cascade="all, delete-orphan", lazy="joined", uselist=False)

    @property
    def picture(self) -> Picture | None:
        return self.picture_link.picture if self.picture_link is not None else None

    @property
    def picture_alt(self) -> str:
        return self.picture_link.alt_text if self.picture_link is not None else ""

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class CategoryPicture(db.Model):
    """A category's picture (uploaded in the back office; renditions in store/media) and its alt text.

    A table of its own rather than columns on ``categories``: adding a foreign key to an existing SQLite table
    means rebuilding it, and ``categories`` is pointed at by products and slug redirects."""
    __tablename__ = "category_pictures"
    __table_args__ = (CheckConstraint("length(trim(alt_text)) > 0", name="alt_text_required"),)

    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True)
    picture_id: Mapped[int] = mapped_column(ForeignKey("media_pictures.id"), index=True)
    alt_text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category] = relationship(back_populates="picture_link")
    picture: Mapped[Picture] = relationship(lazy="joined")


class CategorySlugRedirect(db.Model):
    """A category's former slug: the shop front answers it with a 301 to the category's current slug."""
    __tablename__ = "category_slug_redirects"

    old_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint(ACTIVE_NEEDS_WARNINGS_SQL, name="active_needs_warnings"),
        CheckConstraint("status IN ('draft', 'active', 'archived')", name="status_valid"),
        CheckConstraint("kind IN ('tool', 'oil', 'accessory')", name="kind_valid"),
        Index("ix_products_status_category", "status", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20), default=ProductKind.TOOL.value)
    status: Mapped[str] = mapped_column(String(20), default=ProductStatus.DRAFT.value)
    summary: Mapped[str] = mapped_column(String(300), default="")
    description_md: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")  # cached, sanitised rendering
    # Per-product safety information: one warning per line. Required before activation.
    warnings: Mapped[str] = mapped_column(Text, default="")
    featured: Mapped[bool] = mapped_column(default=False)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: a stale edit raises StaleDataError instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)
    # The warnings are versioned like disclaimers: every change of their text bumps this number (see
    # _bump_warnings_version), and each order line copies the version and text its buyer saw.
    warnings_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}

    category: Mapped[Category | None] = relationship(back_populates="products")
    variants: Mapped[list["Variant"]] = relationship(
        back_populates="product", order_by="Variant.position", cascade="all, delete-orphan"
    )
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )
    ingredients: Mapped[list["ProductIngredient"]] = relationship(
        back_populates="product", order_by="ProductIngredient.position", cascade="all, delete-orphan"
    )
    warning_versions: Mapped[list["ProductWarningVersion"]] = relationship(
        back_populates="product", order_by="ProductWarningVersion.version.desc()", cascade="all, delete-orphan",
        lazy="select"
    )

    @validates("warnings")
    def _bump_warnings_version(self, _key, value):
        """A changed warnings text is a new version (whitespace-only edits are not)."""
        old = self.warnings if inspect(self).persistent else self.__dict__.get("warnings")
        if old is not None and _warning_lines(old) != _warning_lines(value):
            self.warnings_version = (self.warnings_version or 1) + 1
        return value

    @property
    def warning_list(self) -> list[str]:
        return _warning_lines(self.warnings)

    @property
    def is_active(self) -> bool:
        return self.status == ProductStatus.ACTIVE

    @property
    def primary_image(self) -> "ProductImage | None":
        return self.images[0] if self.images else None

    def __repr__(self) -> str:
        return f"<Product {self.slug} {self.status}>"


# The shop front's orderings, read in index order (a page reads its 12 rows, not the whole catalog): the default
# "featured" order (the list and the home page's featured products), the same within a category (related
# products), by name and newest first.
Index("ix_products_featured_order", Product.status, Product.featured.desc(), Product.name, Product.id)
Index("ix_products_category_order", Product.category_id, Product.status, Product.featured.desc(), Product.name,
      Product.id)
Index("ix_products_name_order", Product.status, Product.name, Product.id)
Index("ix_products_newest", Product.status, Product.created_at, Product.id)


class Variant(db.Model):
    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_nonnegative"),
        CheckConstraint("compare_at_cents IS NULL OR compare_at_cents >= 0", name="compare_at_nonnegative"),
        CheckConstraint("on_hand >= 0", name="on_hand_nonnegative"),
        CheckConstraint("reserved >= 0", name="reserved_nonnegative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    option_label: Mapped[str] = mapped_column(String(80), default="Standard")
    price_cents: Mapped[int] = mapped_column()
    compare_at_cents: Mapped[int | None] = mapped_column(default=None)
    # Stock: on_hand counts units in the building; reserved are promised to unpaid orders.
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    low_stock_threshold: Mapped[int | None] = mapped_column(default=None)
    weight_grams: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)

    @property
    def on_sale(self) -> bool:
        return self.compare_at_cents is not None and self.compare_at_cents > self.price_cents

    def __repr__(self) -> str:
        return f"<Variant {self.sku}>"


class ProductImage(db.Model):
    __tablename__ = "product_images"
    __table_args__ = (CheckConstraint("length(trim(alt_text)) > 0", name="alt_text_required"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    # Path under static/ (a demo picture, e.g. "img/products/foam-roller.svg") or, for an uploaded picture,
    # "media/<sha256>.webp" (its largest rendition; the template global image_src turns either into a URL).
    path: Mapped[str] = mapped_column(String(300))
    thumb_path: Mapped[str | None] = mapped_column(String(300), default=None)
    alt_text: Mapped[str] = mapped_column(String(300))
    width: Mapped[int | None] = mapped_column(default=None)
    height: Mapped[int | None] = mapped_column(default=None)
    position: Mapped[int] = mapped_column(default=0)
    # Uploaded pictures: the renditions in media_blobs (store/media); None for a static demo picture.
    picture_id: Mapped[int | None] = mapped_column(ForeignKey("media_pictures.id"), index=True, default=None)

    product: Mapped[Product] = relationship(back_populates="images")
    picture: Mapped[Picture | None] = relationship(lazy="joined")


# ---------------------------------------------------------------- ingredients and allergens

class Allergen(db.Model):
    """An allergen as data: tree nuts, peanut, the fragrance allergens EU rules name. A product carries it when
    one of its ingredients is one of the allergen's sources; it cannot be published without a warning that
    names it (``keyword``)."""
    __tablename__ = "allergens"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)       # "tree-nuts", "linalool"
    name: Mapped[str] = mapped_column(String(120))                   # "Tree nuts"
    group: Mapped[str] = mapped_column(String(20), default="food")   # "food" | "fragrance"
    keyword: Mapped[str] = mapped_column(String(80))                 # a warning must mention this, e.g. "tree nut"
    warning: Mapped[str] = mapped_column(String(300))                # the suggested warning line

    sources: Mapped[list["AllergenSource"]] = relationship(back_populates="allergen", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Allergen {self.code}>"


class AllergenSource(db.Model):
    """An ingredient (by INCI name, stored lower-case) that carries an allergen."""
    __tablename__ = "allergen_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    allergen_id: Mapped[int] = mapped_column(ForeignKey("allergens.id", ondelete="CASCADE"), index=True)
    inci_name: Mapped[str] = mapped_column(String(200), unique=True)

    allergen: Mapped[Allergen] = relationship(back_populates="sources")


class ProductIngredient(db.Model):
    """One line of a product's composition: INCI name, common name, optional percentage."""
    __tablename__ = "product_ingredients"
    __table_args__ = (
        CheckConstraint("length(trim(inci_name)) > 0", name="inci_required"),
        CheckConstraint("percent IS NULL OR (percent > 0 AND percent <= 100)", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    inci_name: Mapped[str] = mapped_column(String(200))
    inci_key: Mapped[str] = mapped_column(String(200), index=True)   # lower-case INCI name, joins allergen_sources
    common_name: Mapped[str] = mapped_column(String(200), default="")
    percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 3), default=None)

    product: Mapped[Product] = relationship(back_populates="ingredients")


class ProductWarningVersion(db.Model):
    """One version of a product's warnings text, never edited: written on the flush that creates the product or
    changes its text (``_record_warning_versions``), like a disclaimer's versions."""
    __tablename__ = "product_warning_versions"
    __table_args__ = (UniqueConstraint("product_id", "version", name="uq_product_warning_versions_product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="warning_versions")


@event.listens_for(Session, "before_flush")
def _record_warning_versions(session, _context, _instances):
    """Every new product, and every product whose warnings text changed (its version went up), gets a row."""
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Product):
            continue
        if obj in session.new or inspect(obj).attrs.warnings_version.history.has_changes():
            session.add(ProductWarningVersion(product=obj, version=obj.warnings_version or 1,
                                              text="\n".join(obj.warning_list)))

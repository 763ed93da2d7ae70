"""Product cards as plain rows: what ``card_grid`` (templates/_macros.html) shows, read with one Core query
instead of ORM objects. A page of cards is the shop front's most repeated work (the list, search results, the
home page's featured products, related products); building identity-mapped Product, Variant and ProductImage
objects for it cost two to three times what the query itself does.

A ``Card`` has the attributes the card macro and the availability policy read from a Product (``id``, ``slug``,
``name``, ``summary``, ``status``, ``variants``, ``images``), so ``card_offer``, ``product_stock_status`` and
``product_ratings`` take either. It is read-only: nothing writes through a card. ``cards_by_ids(ids,
with_warnings=True)`` also reads each product's warnings (``warning_list``, for the safety block of a page that
shows the cards, such as a guide's tools).

An uploaded picture (``ProductImage.picture_id``) needs its renditions for the srcset: those pictures load as
ORM objects in one more query, run only when a card on the page has one.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from store.catalog.models import Product, ProductImage, ProductStatus, Variant
from store.db import prepared
from store.extensions import db
from store.media.models import Picture, Rendition


class CardVariant:
    __slots__ = ("id", "price_cents", "compare_at_cents", "on_hand", "reserved", "low_stock_threshold",
                 "is_active", "position", "option_label", "product")

    def __init__(self, product, id, price_cents, compare_at_cents, on_hand, reserved, low_stock_threshold,
                 is_active, position, option_label):
        self.product = product  # its Card (the availability policy asks whether the product is for sale)
        self.id, self.price_cents, self.compare_at_cents = id, price_cents, compare_at_cents
        self.on_hand, self.reserved, self.low_stock_threshold = on_hand, reserved, low_stock_threshold
        self.is_active, self.position, self.option_label = is_active, position, option_label

    # The same rules as Variant's properties of the same names.
    available = Variant.available
    on_sale = Variant.on_sale


class CardImage:
    __slots__ = ("path", "thumb_path", "alt_text", "width", "height", "picture_id", "picture")

    def __init__(self, path, thumb_path, alt_text, width, height, picture_id):
        self.path, self.thumb_path, self.alt_text = path, thumb_path, alt_text
        self.width, self.height, self.picture_id = width, height, picture_id
        self.picture: Picture | None = None


class Card:
    __slots__ = ("id", "slug", "name", "summary", "kind", "status", "featured", "category_id", "variants",
                 "images", "warnings")

    def __init__(self, id, slug, name, summary, kind, status, featured, category_id, warnings=None):
        self.id, self.slug, self.name, self.summary = id, slug, name, summary
        self.kind, self.status, self.featured, self.category_id = kind, status, featured, category_id
        self.variants: list[CardVariant] = []
        self.images: list[CardImage] = []   # the first picture only: all a card shows
        self.warnings = warnings            # read only with_warnings (None otherwise)

    # The same rules as Product's properties of the same names.
    is_active = Product.is_active
    primary_image = Product.primary_image

    @property
    def warning_list(self) -> list[str]:
        if self.warnings is None:
            raise RuntimeError(f"{self!r} was read without its warnings: use cards_by_ids(..., with_warnings=True)")
        return Product.warning_list.fget(self)

    def __repr__(self) -> str:
        return f"<Card {self.slug}>"


_PRODUCT = (Product.id, Product.slug, Product.name, Product.summary, Product.kind, Product.status, Product.featured,
            Product.category_id)
_VARIANT = (Variant.id, Variant.price_cents, Variant.compare_at_cents, Variant.on_hand, Variant.reserved,
            Variant.low_stock_threshold, Variant.is_active, Variant.position, Variant.option_label)
_IMAGE = (ProductImage.path, ProductImage.thumb_path, ProductImage.alt_text, ProductImage.width,
          ProductImage.height, ProductImage.picture_id)


@prepared
def _card_rows(with_warnings: bool):
    # Each active product among the ids, a row per variant (none: one row of NULLs), with its first picture in
    # the images' display order (a correlated lookup on ix_product_images_product_id).
    first_image = (select(ProductImage.id).where(ProductImage.product_id == Product.id)
                   .order_by(ProductImage.position, ProductImage.id).limit(1).correlate(Product).scalar_subquery())
    product = (*_PRODUCT, Product.warnings) if with_warnings else _PRODUCT
    return (select(*product, *_VARIANT, *_IMAGE)
            .outerjoin(Variant, Variant.product_id == Product.id)
            .outerjoin(ProductImage, ProductImage.id == first_image)
            .where(Product.id.in_(bindparam("ids", expanding=True)), Product.status == ProductStatus.ACTIVE)
            .order_by(Product.id, Variant.position, Variant.id))


@prepared
def _pictures():
    return (select(Picture).outerjoin(Picture.renditions).options(contains_eager(Picture.renditions))
            .where(Picture.id.in_(bindparam("ids", expanding=True))).order_by(Rendition.format, Rendition.width))


def cards_by_ids(ids, *, with_warnings: bool = False) -> dict[int, Card]:
    """{id: Card} for the active products among ``ids`` (one query; one more when a card has an uploaded
    picture). Run even for no ids, so a page's query count does not depend on the data."""
    cards: dict[int, Card] = {}
    n_product, n_variant = len(_PRODUCT) + with_warnings, len(_VARIANT)
    for row in db.session.execute(_card_rows(with_warnings), {"ids": list(ids)}):
        card = cards.get(row[0])
        if card is None:
            card = cards[row[0]] = Card(*row[:n_product])
            image = row[n_product + n_variant:]
            if image[0] is not None:
                card.images.append(CardImage(*image))
        if row[n_product] is not None:
            card.variants.append(CardVariant(card, *row[n_product:n_product + n_variant]))
    with_picture = [c.images[0] for c in cards.values() if c.images and c.images[0].picture_id is not None]
    if with_picture:
        pictures = {p.id: p for p in db.session.scalars(_pictures(), {"ids": sorted({i.picture_id for i in
                                                                                      with_picture})}).unique()}
        for image in with_picture:
            image.picture = pictures.get(image.picture_id)
    return cards


def cards_in_order(ids: list[int]) -> list[Card]:
    """The cards of ``ids`` in that order (ids of products no longer for sale are left out)."""
    found = cards_by_ids(ids)
    return [found[i] for i in ids if i in found]

"""Product cards read as rows (store/catalog/cards.py) show exactly what the ORM product would: the same offer,
badge, first picture and HTML, for every shape a card can take."""
import io

import pytest
from flask import render_template_string
from PIL import Image

from store.catalog import availability, cards, services
from store.catalog.models import Product, ProductImage, ProductStatus
from store.media import services as media
from tests.factories import make_disclaimers, make_product

CARD = "{% import '_macros.html' as m %}{{ m.card_grid([product], 2) }}"


def _png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 700), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def shapes(app, db):
    """Products of every shape a card shows differently, by name."""
    make_disclaimers()
    made = {
        "one price": make_product("One price", variants=[{"price_cents": 1500, "on_hand": 9}]),
        "from": make_product("From", variants=[{"price_cents": 2500, "on_hand": 9}, {"price_cents": 1200, "on_hand": 1}]),
        "sale": make_product("Sale", variants=[{"price_cents": 1000, "compare_at_cents": 1500, "on_hand": 9}]),
        "low": make_product("Low", variants=[{"price_cents": 900, "on_hand": 2}]),
        "sold out": make_product("Sold out", variants=[{"price_cents": 900, "on_hand": 0}]),
        "inactive variant": make_product("Inactive variant", variants=[
            {"price_cents": 500, "on_hand": 9, "is_active": False}, {"price_cents": 800, "on_hand": 9}]),
    }
    # Pictures out of order: the card shows the first in display order, not the first added.
    reordered = made["one price"]
    reordered.images.append(ProductImage(path="img/products/foam-roller.svg", alt_text="Front view", position=-1))
    # An uploaded picture (WebP and JPEG renditions in the database).
    uploaded = made["sale"]
    picture = media.save_picture(media.encode(_png((200, 40, 40))))
    uploaded.images[0].picture_id = picture.id
    uploaded.images[0].path = "media/x.webp"
    # No picture at all.
    made["low"].images.clear()
    db.session.commit()
    return {name: p.id for name, p in made.items()}


def test_cards_match_the_products_they_show(app, db, shapes):
    with app.test_request_context():
        found = cards.cards_by_ids(list(shapes.values()))
        for name, pid in shapes.items():
            product = db.session.get(Product, pid)
            card = found[pid]
            assert (card.id, card.slug, card.name, card.summary) == (product.id, product.slug, product.name,
                                                                     product.summary), name
            assert availability.card_offer(card) == availability.card_offer(product), name
            assert ([v.price_cents for v in card.variants] == [v.price_cents for v in product.variants]), name
            first = product.images[0] if product.images else None
            assert (card.primary_image.path if card.images else None) == (first.path if first else None), name
            # The HTML of the card is the same, byte for byte, whichever it is given.
            assert (render_template_string(CARD, product=card)
                    == render_template_string(CARD, product=product)), name


def test_card_shapes_show_what_a_shopper_expects(app, db, shapes):
    with app.test_request_context():
        found = cards.cards_by_ids(list(shapes.values()))
        html = {name: render_template_string(CARD, product=found[pid]) for name, pid in shapes.items()}
    assert "From " in html["from"] and "$12.00" in html["from"]
    assert "From " not in html["one price"] and "$15.00" in html["one price"]
    assert "badge--sale" in html["sale"]
    assert "Only 2 left" in html["low"] and "<img" not in html["low"]
    assert "Out of stock" in html["sold out"]
    assert "$8.00" in html["inactive variant"] and "$5.00" not in html["inactive variant"]
    assert "foam-roller.svg" in html["one price"] and 'alt="Front view"' in html["one price"]
    assert 'type="image/webp"' in html["sale"] and "/media/" in html["sale"]


def test_only_products_for_sale_have_cards(app, db, shapes):
    with app.test_request_context():
        draft = make_product("Draft", status=ProductStatus.DRAFT)
        archived_id = shapes["low"]
        services.set_status(db.session.get(Product, archived_id), ProductStatus.ARCHIVED)
        db.session.commit()
        found = cards.cards_by_ids([draft.id, archived_id, shapes["sale"], 10 ** 6])
        assert list(found) == [shapes["sale"]]
        assert cards.cards_by_ids([]) == {}
        assert [c.name for c in cards.cards_in_order([shapes["sold out"], 10 ** 6, shapes["from"]])] == [
            "Sold out", "From"]


def test_a_page_of_cards_is_one_query_and_one_more_for_uploaded_pictures(app, db, shapes, count_queries):
    with app.test_request_context():
        without_upload = [pid for name, pid in shapes.items() if name != "sale"]
        db.session.expire_all()
        with count_queries() as counter:
            cards.cards_by_ids(without_upload)
        assert counter.count == 1
        with count_queries() as counter:
            found = cards.cards_by_ids(list(shapes.values()))
            render_template_string(CARD, product=found[shapes["sale"]])  # the srcset reads the renditions
        assert counter.count == 2


def test_cards_with_warnings_carry_them_and_cards_without_refuse_to_guess(app, db, shapes):
    """A page that shows a safety block for its cards reads them with_warnings; a card read without them
    raises rather than give an empty list (the safety block would then show no warnings)."""
    product = db.session.get(Product, shapes["from"])
    plain = cards.cards_by_ids([product.id])[product.id]
    with pytest.raises(RuntimeError, match="without its warnings"):
        plain.warning_list
    detailed = cards.cards_by_ids([product.id], with_warnings=True)[product.id]
    assert detailed.warning_list == product.warning_list != []
    assert [v.option_label for v in detailed.variants] == [v.option_label for v in product.variants]

"""Structured ingredients and allergens: an almond-oil product cannot be published without its tree-nut warning,
the free-from filter leaves it out, the product page shows the ingredient table, and the admin edits the list."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from store.catalog import services as catalog
from store.catalog.models import Product, ProductStatus
from tests.factories import make_disclaimers, make_product

ALMOND = [("Prunus Amygdalus Dulcis Oil", "Sweet almond oil", "95"), ("Tocopherol", "Vitamin E", "0.5")]
NO_NUT_WARNINGS = "For external use only.\nPatch test first."


@pytest.fixture
def allergens(db):
    catalog.ensure_allergens()
    db.session.commit()


def _almond_oil(status=ProductStatus.DRAFT, warnings=NO_NUT_WARNINGS, **kw):
    return make_product("Almond Glide Oil", slug="almond-glide", kind="oil", status=status, warnings=warnings,
                        ingredients=[(i, c, Decimal(p)) for i, c, p in ALMOND], **kw)


def test_an_almond_oil_cannot_be_published_without_its_tree_nut_warning(app, db, allergens):
    oil = _almond_oil()
    assert [a.code for a in catalog.allergens_of(oil)] == ["tree-nuts"]
    with pytest.raises(catalog.MissingAllergenWarning) as refused:
        catalog.set_status(oil, ProductStatus.ACTIVE)
    assert "tree nuts" in str(refused.value) and "Contains tree nut oil." in str(refused.value)
    assert oil.status == ProductStatus.DRAFT
    oil.warnings = NO_NUT_WARNINGS + "\nContains sweet almond oil (a tree nut). Do not use with a nut allergy."
    catalog.set_status(oil, ProductStatus.ACTIVE)
    assert oil.status == ProductStatus.ACTIVE


def test_an_oil_needs_its_ingredient_list_to_be_published(app, db, allergens):
    oil = make_product("Mystery Oil", kind="oil", status=ProductStatus.DRAFT, ingredients=[])
    with pytest.raises(catalog.NotPublishable, match="list its ingredients"):
        catalog.set_status(oil, ProductStatus.ACTIVE)


def test_fragrance_allergens_need_naming_too(app, db, allergens):
    oil = make_product("Lavender Oil", kind="oil", status=ProductStatus.DRAFT, ingredients=[
        ("Helianthus Annuus Seed Oil", "Sunflower oil", None), ("Linalool", "", None), ("Limonene", "", None)])
    with pytest.raises(catalog.MissingAllergenWarning, match="limonene, linalool"):
        catalog.set_status(oil, ProductStatus.ACTIVE)


def test_free_from_filter_excludes_the_almond_oil(app, db, client, allergens):
    make_disclaimers()
    _almond_oil(status=ProductStatus.ACTIVE, warnings=NO_NUT_WARNINGS + "\nContains tree nut oil.")
    make_product("Sunflower Glide Oil", kind="oil")
    make_product("Beech Foot Roller")
    db.session.commit()
    tree_nuts = catalog.allergen_by_code("tree-nuts")
    stmt = catalog.free_from(select(Product.name).where(Product.status == ProductStatus.ACTIVE), tree_nuts)
    assert sorted(db.session.scalars(stmt)) == ["Beech Foot Roller", "Sunflower Glide Oil"]
    html = client.get("/products?free_from=tree-nuts").get_data(as_text=True)
    assert "Sunflower Glide Oil" in html and "Beech Foot Roller" in html and "Almond Glide Oil" not in html
    assert '<option value="tree-nuts" selected>' in html
    assert "Almond Glide Oil" in client.get("/products").get_data(as_text=True)
    # an unknown allergen is no filter (and no error)
    assert "Almond Glide Oil" in client.get("/products?free_from=no-such-allergen").get_data(as_text=True)


def test_product_page_shows_the_ingredient_table_and_allergens(app, db, client, allergens):
    make_disclaimers()
    _almond_oil(status=ProductStatus.ACTIVE, warnings=NO_NUT_WARNINGS + "\nContains tree nut oil.")
    db.session.commit()
    html = client.get("/products/almond-glide").get_data(as_text=True)
    assert 'id="ingredients"' in html and "<th scope=\"row\">Prunus Amygdalus Dulcis Oil</th>" in html
    assert "<td>Sweet almond oil</td><td>95%</td>" in html and "<strong>Allergens:</strong>" in html
    assert "Tree nuts" in html and "Report a problem" in html


@pytest.mark.parametrize("text, message", [
    ("Aqua | Water | 120", "above 0 and at most 100"),
    ("Aqua | Water | lots", "is not a percentage"),
    ("Aqua | Water | 60\nGlycerin | | 60", "more than 100%"),
    ("Aqua\naqua", "listed twice"),
    ("Aqua | a | b | c", "at most two"),
    (" | Water", "needs its INCI name"),
])
def test_ingredient_lines_are_validated(text, message):
    with pytest.raises(catalog.IngredientsInvalid, match=message):
        catalog.parse_ingredients(text)


def test_admin_edits_ingredients_and_is_told_the_missing_allergen_warning(app, db, admin_client, allergens):
    make_disclaimers()
    oil = make_product("Plain Oil", slug="plain-oil", kind="oil")
    db.session.commit()
    form = {"version": str(oil.version), "name": oil.name, "slug": oil.slug, "kind": "oil", "category_id": "0",
            "summary": oil.summary, "description_md": oil.description_md, "warnings": oil.warnings,
            "status": "active", "save": "Save product",
            "ingredients": "Prunus Amygdalus Dulcis Oil | Sweet almond oil | 99\nTocopherol | Vitamin E"}
    response = admin_client.post(f"/admin/products/{oil.id}", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "contains tree nuts but its warnings do not say so" in html
    db.session.expire_all()
    assert [i.inci_name for i in db.session.get(Product, oil.id).ingredients] == ["Helianthus Annuus Seed Oil"]
    form["warnings"] = oil.warnings + "\nContains tree nut oil. Do not use with a nut allergy."
    assert admin_client.post(f"/admin/products/{oil.id}", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Product, oil.id)
    assert [(i.inci_name, i.percent) for i in saved.ingredients] == [
        ("Prunus Amygdalus Dulcis Oil", Decimal("99")), ("Tocopherol", None)]
    page = admin_client.get(f"/admin/products/{oil.id}").get_data(as_text=True)
    assert "Prunus Amygdalus Dulcis Oil | Sweet almond oil | 99\nTocopherol | Vitamin E" in page
    assert "data-allergens" in page


def test_demo_oils_have_structured_ingredients_and_publish(app, db):
    from store.demo import seed_all
    seed_all()
    oils = list(db.session.scalars(select(Product).where(Product.kind == "oil").order_by(Product.slug)))
    assert oils and all(o.ingredients and o.status == ProductStatus.ACTIVE for o in oils)
    ember = next(o for o in oils if o.slug == "warming-massage-oil")
    assert {a.code for a in catalog.allergens_of(ember)} == {"tree-nuts", "limonene", "linalool"}

"""The catalog CSV is another way copy and ingredients arrive: flagged copy stays a draft, ingredient cells are
validated and imported, an almond oil without its tree-nut warning stays a draft."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from store.admin.catalog import transfer
from store.catalog import services as catalog
from store.catalog.models import Product

ROW = {"product_slug": "almond-oil", "name": "Almond Oil", "kind": "oil", "status": "active", "featured": "no",
       "category_slug": "", "category_name": "", "summary": "A plain almond oil.", "description_md": "Glides.",
       "warnings": "For external use only.\nContains tree nut oil.", "image_path": "img/products/placeholder.svg",
       "image_alt": "A bottle", "sku": "AO-1", "option_label": "100 ml", "price": "12.00", "compare_at": "",
       "on_hand": "3", "weight_grams": "120", "low_stock_threshold": "", "variant_active": "yes",
       "ingredients": "Prunus Amygdalus Dulcis Oil | Sweet almond oil | 99\nTocopherol | Vitamin E | 1"}


def _csv(**overrides) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=transfer.COLUMNS + transfer.EXTRA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(dict(ROW, **overrides))
    return out.getvalue()


@pytest.fixture(autouse=True)
def _allergens(db):
    catalog.ensure_allergens()
    db.session.commit()


def _imported(db, data):
    transfer.apply(data, actor_id=None)
    db.session.expire_all()
    return db.session.scalar(select(Product).where(Product.slug == "almond-oil"))


def test_ingredients_arrive_from_the_csv_and_the_oil_goes_live(app, db):
    product = _imported(db, _csv())
    assert product.status == "active"
    assert [(i.inci_name, str(i.percent)) for i in product.ingredients] == [
        ("Prunus Amygdalus Dulcis Oil", "99.000"), ("Tocopherol", "1.000")]
    assert "Prunus Amygdalus Dulcis Oil | Sweet almond oil | 99" in transfer.export_csv()


def test_an_almond_oil_without_its_tree_nut_warning_stays_a_draft(app, db):
    assert _imported(db, _csv(warnings="For external use only.")).status == "draft"


def test_flagged_copy_stays_a_draft_and_the_preview_says_so(app, db):
    data = _csv(summary="Soothes arthritis in the hands.")
    plan = transfer.plan(data)
    assert any("claims check flags its copy" in note for note in plan.products[0].notes)
    assert _imported(db, data).status == "draft"


def test_a_bad_ingredient_cell_rejects_the_file(app, db):
    with pytest.raises(transfer.CatalogImportRejected) as rejected:
        transfer.plan(_csv(ingredients="Aqua | Water | 250"))
    assert "Line 2: ingredients:" in str(rejected.value.errors)
    assert db.session.scalar(select(Product)) is None

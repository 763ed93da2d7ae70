"""Issue 16: the full catalog CSV round-trip (export the demo catalog, import it into an empty store, get the
same catalog), the preview-then-confirm flow, all-or-nothing with line numbers, and `flask import-catalog`."""
from __future__ import annotations

import io

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from store import demo
from store.admin.catalog import transfer
from store.catalog.models import Category, Product, Variant
from store.inventory.models import StockMovement
from tests.admin.conftest import audit_rows


def _catalog(db):
    db.session.expire_all()
    products = db.session.scalars(select(Product).order_by(Product.slug).options(
        selectinload(Product.variants), selectinload(Product.images)))
    return {
        "categories": sorted((c.slug, c.name) for c in db.session.scalars(select(Category))),
        "products": [(p.slug, p.name, p.kind, p.status, p.featured, p.summary, p.description_md, p.warnings,
                      p.category.slug if p.category else None, [(i.path, i.alt_text) for i in p.images[:1]],
                      sorted((v.sku, v.option_label, v.price_cents, v.compare_at_cents, v.on_hand, v.weight_grams,
                              v.low_stock_threshold, v.is_active) for v in p.variants))
                     for p in products],
    }


def _empty_catalog(db):
    db.session.remove()
    with db.engine.begin() as conn:
        for table in ("stock_movements", "search_documents", "product_images", "variants", "products",
                      "category_slug_redirects", "categories"):
            conn.execute(text(f'DELETE FROM "{table}"'))


def test_round_trip_of_the_demo_catalog_into_an_empty_store(app, db):
    demo.seed_all()
    before = _catalog(db)
    assert len(before["products"]) >= 10 and any(p[3] == "active" for p in before["products"])
    exported = transfer.export_csv()
    _empty_catalog(db)
    assert db.session.scalar(select(Product.id)) is None

    plan = transfer.plan(exported)
    assert plan.created == len(before["products"]) and plan.updated == 0
    transfer.apply(exported, actor_id=None)
    assert _catalog(db) == before
    # Stock arrived through the ledger, and the shop front lists the products again.
    assert db.session.scalar(select(StockMovement.id)) is not None
    active = next(p for p in before["products"] if p[3] == "active")
    page = app.test_client().get(f"/products/{active[0]}")
    assert page.status_code == 200 and active[1] in page.get_data(as_text=True)
    # Importing the same file again changes nothing.
    again = transfer.plan(transfer.export_csv())
    assert again.created == 0 and again.updated == 0


def _one_product_csv(**overrides) -> str:
    row = {"product_slug": "new-roller", "name": "New Roller", "kind": "tool", "status": "active",
           "featured": "no", "category_slug": "rollers-x", "category_name": "Rollers X", "summary": "Rolls.",
           "description_md": "A roller.", "warnings": "Not over bruises.\nStop if it hurts.",
           "image_path": "img/products/placeholder.svg", "image_alt": "A roller", "sku": "NR-1",
           "option_label": "Standard", "price": "19.50", "compare_at": "", "on_hand": "4", "weight_grams": "100",
           "low_stock_threshold": "", "variant_active": "yes"}
    rows = [dict(row)]
    second = dict(row, sku="NR-2", option_label="Large", price="24.00")
    second.update(overrides)
    rows.append(second)
    out = io.StringIO()
    import csv
    writer = csv.DictWriter(out, fieldnames=transfer.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_one_bad_line_writes_nothing_and_names_the_line(app, db, admin_client):
    bad = _one_product_csv(price="twelve")
    response = admin_client.post("/admin/catalog/import", data={"file": (io.BytesIO(bad.encode()), "c.csv")},
                                 content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Line 3:" in html and "Nothing was imported" in html
    # The confirm step re-validates: the same bad content posted there writes nothing either.
    response = admin_client.post("/admin/catalog/import/confirm", data={"content": bad})
    assert response.status_code == 400 and "Line 3:" in response.get_data(as_text=True)
    assert db.session.scalar(select(Product.id)) is None and db.session.scalar(select(Category.id)) is None


def test_preview_then_confirm_and_a_product_without_warnings_stays_a_draft(app, db, admin_client):
    from tests.factories import make_disclaimers
    make_disclaimers()
    db.session.commit()
    good = _one_product_csv()
    response = admin_client.post("/admin/catalog/import", data={"file": (io.BytesIO(good.encode()), "c.csv")},
                                 content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Preview" in html and "new-roller" in html and "create" in html
    assert db.session.scalar(select(Product.id)) is None          # the preview wrote nothing
    response = admin_client.post("/admin/catalog/import/confirm", data={"content": good})
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.slug == "new-roller"))
    assert product.status == "active" and sorted(v.sku for v in product.variants) == ["NR-1", "NR-2"]
    assert db.session.scalar(select(Variant.price_cents).where(Variant.sku == "NR-2")) == 2400
    assert len(audit_rows(db, "product.import")) == 1

    no_warnings = _one_product_csv().replace("new-roller", "bare-roller").replace("NR-", "BR-").replace(
        '"Not over bruises.\nStop if it hurts."', "")
    plan = transfer.plan(no_warnings)
    assert any("stays a draft" in n for r in plan.products for n in r.notes)
    transfer.apply(no_warnings, actor_id=None)
    assert db.session.scalar(select(Product.status).where(Product.slug == "bare-roller")) == "draft"


def test_cli_dry_run_writes_nothing_then_imports(app, db, tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text(_one_product_csv())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-catalog", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 to create" in result.output and "Dry run" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Product.id)) is None
    result = runner.invoke(args=["import-catalog", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Product.slug)) == "new-roller"
    path.write_text(_one_product_csv(on_hand="-3"))
    result = runner.invoke(args=["import-catalog", str(path)])
    assert result.exit_code != 0 and "Line 3" in result.output

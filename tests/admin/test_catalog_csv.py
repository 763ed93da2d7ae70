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
        "categories": sorted((c.slug, c.name, c.description, c.position) for c in db.session.scalars(select(Category))),
        "products": [(p.slug, p.name, p.kind, p.status, p.featured, p.summary, p.description_md, p.warnings,
                      p.category.slug if p.category else None, [(i.path, i.alt_text) for i in p.images[:1]],
                      sorted((v.sku, v.option_label, v.price_cents, v.compare_at_cents, v.on_hand, v.weight_grams,
                              v.low_stock_threshold, v.is_active) for v in p.variants))
                     for p in products],
    }


def _empty_catalog(db):
    db.session.remove()
    with db.engine.begin() as conn:
        for table in ("stock_movements", "search_entries", "product_images", "variants", "products",
                      "category_slug_redirects", "categories"):
            conn.execute(text(f'DELETE FROM "{table}"'))


def test_round_trip_of_the_demo_catalog_into_an_empty_store(app, db):
    demo.seed_all()
    before = _catalog(db)
    assert len(before["products"]) >= 10 and any(p[3] == "active" for p in before["products"])
    # Categories travel whole: their descriptions and shop-front order too (not just slug and name).
    assert all(c[2] for c in before["categories"]) and len({c[3] for c in before["categories"]}) > 1
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


def _rows_csv(rows: list[dict], columns=None) -> str:
    import csv
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or transfer.COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _row(**fields) -> dict:
    base = {"product_slug": "new-roller", "name": "New Roller", "kind": "tool", "status": "draft",
            "featured": "no", "category_slug": "rollers-x", "category_name": "Rollers X",
            "category_description": "Rollers for legs and back.", "category_position": "3", "summary": "Rolls.",
            "description_md": "A roller.", "warnings": "Stop if it hurts.", "image_path": "", "image_alt": "",
            "sku": "NR-1", "option_label": "Standard", "price": "19.50", "compare_at": "", "on_hand": "4",
            "weight_grams": "100", "low_stock_threshold": "", "variant_active": "yes"}
    return base | fields


def test_a_new_category_gets_its_description_and_position_from_the_file(app, db):
    transfer.apply(_rows_csv([_row()]), actor_id=None)
    category = db.session.scalar(select(Category).where(Category.slug == "rollers-x"))
    assert (category.name, category.description, category.position) == ("Rollers X", "Rollers for legs and back.", 3)
    assert [r.object_id for r in audit_rows(db, "category.create")] == [str(category.id)]


def test_an_existing_category_takes_the_files_name_description_and_position(app, db):
    db.session.add(Category(slug="rollers-x", name="Old name", description="Old words.", position=9))
    db.session.commit()
    plan = transfer.plan(_rows_csv([_row(category_position="")]))
    # A blank position keeps the category's place; the preview names what changes.
    assert plan.changed_categories == ["rollers-x (name, description)"] and plan.new_categories == []
    transfer.apply(_rows_csv([_row(category_position="")]), actor_id=None)
    db.session.expire_all()
    category = db.session.scalar(select(Category).where(Category.slug == "rollers-x"))
    assert (category.name, category.description, category.position) == ("Rollers X", "Rollers for legs and back.", 9)
    changes = audit_rows(db, "category.update")[0].changes
    assert changes["name"] == ["Old name", "Rollers X"] and "position" not in changes


def test_rows_that_disagree_about_a_category_are_refused_with_both_lines(app, db):
    rows = [_row(), _row(product_slug="other-roller", name="Other", sku="OR-1", category_description="Different.")]
    try:
        transfer.plan(_rows_csv(rows))
    except transfer.CatalogImportRejected as exc:
        assert exc.errors == ["Line 3: category rollers-x's category_description differ from line 2."]
    else:
        raise AssertionError("the disagreeing rows were accepted")
    assert db.session.scalar(select(Category.id)) is None


def test_a_file_without_the_category_detail_columns_still_imports(app, db):
    old_columns = [c for c in transfer.COLUMNS if c not in transfer.OPTIONAL_COLUMNS]
    transfer.apply(_rows_csv([_row()], columns=old_columns), actor_id=None)
    category = db.session.scalar(select(Category).where(Category.slug == "rollers-x"))
    assert category.description == "" and category.name == "Rollers X"
    bad = _rows_csv([_row(category_slug="", category_name="", category_position="2")])
    try:
        transfer.plan(bad)
    except transfer.CatalogImportRejected as exc:
        assert "need a category_slug" in exc.errors[0]
    else:
        raise AssertionError("a position without a category was accepted")

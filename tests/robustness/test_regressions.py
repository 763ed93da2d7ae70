"""One readable assertion per 500 the sweep found (each was a 500 before its fix; see the commit messages)."""
from __future__ import annotations

import io

import pytest

BIG = str(2**63)


@pytest.mark.parametrize("path", [f"/admin/orders/{2**31}", f"/admin/products/{BIG}", f"/admin/guides/{2**31}",
                                  f"/admin/variants/{BIG}/stock", f"/account/addresses/{2**31}/edit"])
def test_an_id_past_the_database_integer_is_a_404(app, world, role_client, path):
    response = role_client(app, "admin").get(path)
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [f"/admin/audit?actor={BIG}", f"/admin/products?category={BIG}",
                                 "/admin/orders?from=0001-01-01&to=9999-12-31",
                                 "/admin/audit?from=9999-12-31&to=9999-12-31"])
def test_huge_ids_and_last_dates_in_filters_show_the_page(app, world, role_client, url):
    assert role_client(app, "admin").get(url).status_code == 200


@pytest.mark.parametrize("url", [f"/account/orders?page={BIG}", f"/admin/audit?page={BIG}&actor={BIG}",
                                 f"/admin/guides?page={BIG}", f"/admin/products?category={BIG}&page={BIG}",
                                 f"/admin/variants/1/stock?page={BIG}"])
def test_huge_page_numbers_are_past_the_last_page_a_404(app, world, role_client, url):
    # Once a 500 (an OFFSET past the integer); a page past the last answers 404 since issue 14.
    assert role_client(app, "admin").get(url).status_code == 404


def test_a_json_body_to_an_html_form_gets_the_forms_errors(app, world, role_client):
    for body in ([1, 2], 7, {"email": {"a": 1}, "password": ["x"]}):
        response = app.test_client().post("/account/login", json=body)
        assert response.status_code == 400
        assert "Please enter your email address." in response.get_data(as_text=True)


def test_a_guide_step_with_text_but_no_title_is_a_form_error(app, world, role_client):
    admin = role_client(app, "admin")
    response = admin.post("/admin/guides/new", data={"title": "Rolling the arch", "body": "Roll slowly.",
                                                     "steps-0-body": "Sit down first.", "faqs-0-answer": "Yes.",
                                                     "references-0-pmid": "123", "save": "y"})
    assert response.status_code == 400
    assert "Guide “Rolling the arch” saved" not in response.get_data(as_text=True)


def test_a_price_too_large_for_the_database_is_a_form_error(app, world, role_client):
    admin = role_client(app, "admin")
    response = admin.post(f"/admin/products/{world.product_id}/variants",
                          data={"new-sku": "HUGE-1", "new-price": "999999999.99", "new-option_label": "Huge"})
    assert response.status_code == 400
    assert "Enter an amount of at most $99,999.99." in response.get_data(as_text=True)


def test_a_csv_with_a_nul_byte_or_a_huge_stock_is_refused_with_the_line(app, world, role_client):
    admin = role_client(app, "admin")
    for content, message in ((b"sku,price,compare_at,on_hand\nA\x00,1.00,,1\n", "Line 2: the file contains NUL"),
                             (b"sku,price,compare_at,on_hand\nKW-FT-STL,1.00,,9223372036854775808\n",
                              "is more than 1,000,000")):
        response = admin.post("/admin/inventory/import", data={"file": (io.BytesIO(content), "stock.csv")},
                              content_type="multipart/form-data")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_an_order_whose_total_would_overflow_is_refused_and_writes_nothing(app, world):
    from store.checkout.services import CheckoutError
    from store.extensions import db
    from tests.factories import place_order as place
    from tests.factories import make_product
    from tests.robustness.world import table_rows

    with app.app_context():
        variants = [make_product(f"Gold Roller {i}", variants=[{"price_cents": 9_999_999, "on_hand": 10}]).variants[0].id
                    for i in range(22)]
        db.session.commit()
        before = table_rows("orders", "order_lines", "stock_movements", "variants")
        with pytest.raises(CheckoutError, match="larger than we can take online"):
            place([(v, 10) for v in variants])  # 22 x 10 x $99,999.99 > 2**31 - 1 cents
        assert table_rows("orders", "order_lines", "stock_movements", "variants") == before

"""Back office for pricing: discount codes (create, edit, deactivate, usage figures, audited, owner only),
shipping methods' bands and zones' countries, and the tax table; bad input gets a form error and changes nothing."""
from __future__ import annotations

from sqlalchemy import select

from store.db import transaction
from store.pricing import services as pricing
from store.pricing.models import DiscountCode, ShippingMethod, ShippingZone, TaxRate
from store.pricing.seed import seed_pricing
from tests.admin.conftest import audit_rows
from tests.factories import make_order

PASSWORD = "correct horse battery"


def _new_code(client, **fields):
    data = {"code": "spring15", "description": "Spring sale", "kind": "percent", "value": "15", "minimum": "",
            "starts_on": "", "ends_on": "", "usage_limit": "", "per_customer_limit": "", "active": "y"} | fields
    return client.post("/admin/discounts", data=data)


def test_owner_creates_a_code_that_shoppers_can_use(app, db, admin_client):
    response = _new_code(admin_client, minimum="50.00", usage_limit="100", ends_on="2031-05-31")
    assert response.status_code == 302
    code = db.session.scalar(select(DiscountCode).where(DiscountCode.code == "SPRING15"))
    assert (code.kind, code.value, code.minimum_subtotal_cents, code.usage_limit) == ("percent", 15, 5000, 100)
    assert code.ends_at.isoformat() == "2031-06-01T00:00:00"            # through the whole last day (UTC)
    assert pricing.find_code("spring15").id == code.id
    assert audit_rows(db, "discount.create")[0].changes["code"] == [None, "SPRING15"]
    page = admin_client.get("/admin/discounts").get_data(as_text=True)
    assert "SPRING15" in page and "15% off orders of $50.00 or more" in page
    edit = admin_client.get(f"/admin/discounts/{code.id}").get_data(as_text=True)
    assert 'value="50.00"' in edit and 'value="2031-05-31"' in edit   # the form shows what was saved


def test_bad_codes_get_form_errors_and_nothing_is_written(app, db, admin_client):
    cases = [({"value": "150"}, "whole percentage from 1 to 100"),
             ({"kind": "fixed", "value": "five"}, "Enter an amount like"),
             ({"code": "no spaces!"}, "2 to 40 letters"),
             ({"starts_on": "2030-02-01", "ends_on": "2030-01-01"}, "before the first")]
    for fields, message in cases:
        response = _new_code(admin_client, **fields)
        assert response.status_code == 400 and message in response.get_data(as_text=True), fields
    assert db.session.scalar(select(DiscountCode.id)) is None
    assert _new_code(admin_client).status_code == 302
    again = _new_code(admin_client, code="Spring15")
    assert again.status_code == 400 and "There is already a code SPRING15" in again.get_data(as_text=True)


def test_edit_deactivate_and_usage_figures(app, db, admin_client):
    _new_code(admin_client, kind="fixed", value="5.00", code="FIVE")
    code = db.session.scalar(select(DiscountCode).where(DiscountCode.code == "FIVE"))
    for n in range(2):
        order = make_order(email=f"c{n}@example.com")
        db.session.commit()
        with transaction():
            pricing.redeem(code.id, order_id=order.id, email=order.email, amount_cents=500)
    page = admin_client.get(f"/admin/discounts/{code.id}").get_data(as_text=True)
    assert "Used 2 times" in page and "$10.00 given away on 2 orders" in page
    # A limit below what was already used is refused.
    response = admin_client.post(f"/admin/discounts/{code.id}", data={
        "code": "FIVE", "kind": "fixed", "value": "5.00", "usage_limit": "1", "active": "y"})
    assert response.status_code == 400 and "used 2 times already" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/discounts/{code.id}", data={
        "code": "FIVE", "kind": "fixed", "value": "6.00", "usage_limit": "10", "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(DiscountCode, code.id).value == 600
    assert audit_rows(db, "discount.update")[0].changes["value"] == [500, 600]
    assert admin_client.post(f"/admin/discounts/{code.id}/active", data={"active": "0"}).status_code == 302
    db.session.expire_all()
    try:
        pricing.find_code("FIVE")
    except pricing.CodeRejected as exc:
        assert "not a valid code" in str(exc)
    else:
        raise AssertionError("a deactivated code was accepted")
    assert "Deactivated" in admin_client.get("/admin/discounts").get_data(as_text=True)


def test_staff_and_read_only_users_see_codes_but_cannot_change_them(app, db, client, make_user, login_as):
    staff = make_user("staff@kneadwell.test", PASSWORD, role="staff", name="Stef Staff")
    login_as(client, staff)
    assert client.get("/admin/discounts").status_code == 200
    response = _new_code(client)
    assert response.status_code == 403
    assert "Discount codes are changed only with the shop owner" in response.get_data(as_text=True)
    assert client.post("/admin/tax", data={"country": "US", "label": "x", "rate": "5"}).status_code == 403
    assert db.session.scalar(select(DiscountCode.id)) is None and db.session.scalar(select(TaxRate.id)) is None


def test_shipping_bands_are_edited_in_plain_lines(app, db, admin_client):
    seed_pricing()
    db.session.commit()
    method = db.session.scalar(select(ShippingMethod).join(ShippingZone).where(
        ShippingZone.name == "United Kingdom", ShippingMethod.code == "standard"))
    page = admin_client.get("/admin/shipping").get_data(as_text=True)
    assert "up to 500: 11.95" in page and "free from $120.00" in page
    prefix = f"m{method.id}-"
    data = {prefix + "name": "Standard", prefix + "delivery_estimate": "4 to 6 business days",
            prefix + "basis": "weight", prefix + "bands": "up to 1000: 9.95\nover: 19.95", prefix + "free_over": "",
            prefix + "active": "y"}
    assert admin_client.post(f"/admin/shipping/methods/{method.id}", data=data).status_code == 302
    db.session.expire_all()
    method = db.session.get(ShippingMethod, method.id)
    assert method.bands == [[1000, 995], [None, 1995]] and method.free_over_cents is None
    assert audit_rows(db, "shipping.update")[0].changes["free_over_cents"] == [12000, None]
    bad = admin_client.post(f"/admin/shipping/methods/{method.id}",
                            data=data | {prefix + "bands": "over: 5.00\nup to 100: 1.00"})
    assert bad.status_code == 400 and "bands go up in order" in bad.get_data(as_text=True)
    bad = admin_client.post(f"/admin/shipping/methods/{method.id}", data=data | {prefix + "bands": "heavy: lots"})
    assert bad.status_code == 400 and "Band line 1" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ShippingMethod, method.id).bands == [[1000, 995], [None, 1995]]


def test_a_country_sits_in_one_zone(app, db, admin_client):
    seed_pricing()
    db.session.commit()
    uk = db.session.scalar(select(ShippingZone).where(ShippingZone.name == "United Kingdom"))
    response = admin_client.post(f"/admin/shipping/zones/{uk.id}/countries",
                                 data={"countries": "GB United Kingdom\nIE Ireland"})
    assert response.status_code == 400 and "Already in another zone: IE (European Union)" in response.get_data(
        as_text=True)
    response = admin_client.post(f"/admin/shipping/zones/{uk.id}/countries",
                                 data={"countries": "GB United Kingdom\nIM Isle of Man\nJE Jersey"})
    assert response.status_code == 302
    assert [m.code for m in pricing.methods_for("JE")] == ["standard", "express"]
    assert dict(pricing.shipping_countries())["IM"] == "Isle of Man"


def test_tax_table_add_edit_delete(app, db, admin_client):
    response = admin_client.post("/admin/tax", data={"country": "us", "region": "ny", "label": "Sales tax (NY)",
                                                     "rate": "8.875", "shipping_taxable": "y"})
    assert response.status_code == 302
    rate = db.session.scalar(select(TaxRate))
    assert (rate.country, rate.region, rate.rate_ppm, rate.inclusive) == ("US", "NY", 88_750, False)
    assert "8.875%" in admin_client.get("/admin/tax").get_data(as_text=True)
    dup = admin_client.post("/admin/tax", data={"country": "US", "region": "NY", "label": "x", "rate": "4"})
    assert dup.status_code == 400 and "already a rate for US-NY" in dup.get_data(as_text=True)
    for bad, message in (("20%", "percentage like 20"), ("75", "above 50%")):
        r = admin_client.post("/admin/tax", data={"country": "GB", "label": "VAT", "rate": bad})
        assert r.status_code == 400 and message in r.get_data(as_text=True)
    p = f"t{rate.id}-"
    assert admin_client.post(f"/admin/tax/{rate.id}", data={p + "country": "US", p + "region": "NY",
                                                            p + "label": "Sales tax (New York)", p + "rate": "4",
                                                            p + "shipping_taxable": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(TaxRate, rate.id).rate_ppm == 40_000
    assert admin_client.post(f"/admin/tax/{rate.id}/delete").status_code == 302
    assert db.session.scalar(select(TaxRate.id)) is None
    assert [r.action for r in audit_rows(db) if r.action.startswith("tax.")] == ["tax.create", "tax.update",
                                                                                  "tax.delete"]

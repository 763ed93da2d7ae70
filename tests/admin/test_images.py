"""Product image uploads: real images only, resized copies, alt text required, size limit, reorder, delete."""
from __future__ import annotations

import io

from PIL import Image

from store.catalog.models import Product, ProductImage
from tests.admin.conftest import audit_rows, png_bytes
from tests.factories import make_disclaimers, make_product


def _upload(client, product_id, data: bytes, filename="photo.png", mimetype="image/png", alt="A cedar roller"):
    return client.post(f"/admin/products/{product_id}/images", content_type="multipart/form-data",
                       data={"image": (io.BytesIO(data), filename, mimetype), "alt_text": alt})


def _product(db):
    make_disclaimers()
    product = make_product("Photo Subject", status="draft")
    product.images.clear()
    db.session.commit()
    return product


def test_valid_png_is_reencoded_into_detail_and_thumbnail_copies(app, db, admin_client, upload_folder):
    product = _product(db)
    response = _upload(admin_client, product.id, png_bytes((2400, 1800)))
    assert response.status_code == 302
    db.session.expire_all()
    image = db.session.get(Product, product.id).images[0]
    assert image.alt_text == "A cedar roller" and image.path.startswith("uploads/products/")
    assert (image.width, image.height) == (1200, 900)
    detail = Image.open(upload_folder / "products" / image.path.rsplit("/", 1)[1])
    thumb = Image.open(upload_folder / "products" / image.thumb_path.rsplit("/", 1)[1])
    assert detail.format == "WEBP" and detail.size == (1200, 900)
    assert thumb.format == "WEBP" and thumb.size == (400, 300)
    assert audit_rows(db, "image.add")[0].changes["alt_text"] == [None, "A cedar roller"]


def test_text_file_named_png_is_refused(app, db, admin_client, upload_folder):
    product = _product(db)
    response = _upload(admin_client, product.id, b"I am not a picture, just text.\n" * 20)
    assert response.status_code == 400
    assert "not a readable image" in response.get_data(as_text=True)
    assert db.session.query(ProductImage).count() == 0
    assert not (upload_folder / "products").exists() or not any((upload_folder / "products").iterdir())


def test_wrong_extension_or_type_is_refused(app, db, admin_client, upload_folder):
    product = _product(db)
    gif = io.BytesIO()
    Image.new("RGB", (50, 50)).save(gif, "GIF")
    response = _upload(admin_client, product.id, gif.getvalue(), filename="anim.gif", mimetype="image/gif")
    assert response.status_code == 400 and "JPEG, PNG or WebP" in response.get_data(as_text=True)
    # A GIF renamed to .png is caught by the decoder check.
    response = _upload(admin_client, product.id, gif.getvalue(), filename="anim.png")
    assert response.status_code == 400 and "Only JPEG, PNG and WebP" in response.get_data(as_text=True)
    assert db.session.query(ProductImage).count() == 0


def test_missing_alt_text_is_refused(app, db, admin_client, upload_folder):
    product = _product(db)
    response = _upload(admin_client, product.id, png_bytes(), alt="  ")
    assert response.status_code == 400 and "alt text is required" in response.get_data(as_text=True)
    assert db.session.query(ProductImage).count() == 0


def test_oversize_upload_is_refused_with_a_clear_message(app, db, admin_client, upload_folder):
    product = _product(db)
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    try:
        response = _upload(admin_client, product.id, b"\x89PNG" + b"\0" * (300 * 1024))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    assert db.session.query(ProductImage).count() == 0


def test_reorder_and_delete(app, db, admin_client, upload_folder):
    product = _product(db)
    for n, colour in enumerate([(255, 0, 0), (0, 255, 0)]):
        assert _upload(admin_client, product.id, png_bytes((500, 400), colour), alt=f"Picture {n}").status_code == 302
    db.session.expire_all()
    first, second = db.session.get(Product, product.id).images
    admin_client.post(f"/admin/products/{product.id}/images/{second.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [i.alt_text for i in db.session.get(Product, product.id).images] == ["Picture 1", "Picture 0"]
    files_before = set((upload_folder / "products").iterdir())
    admin_client.post(f"/admin/products/{product.id}/images/{first.id}/delete")
    db.session.expire_all()
    assert [i.alt_text for i in db.session.get(Product, product.id).images] == ["Picture 1"]
    assert len(files_before) - len(set((upload_folder / "products").iterdir())) == 2
    assert {e.action for e in audit_rows(db)} >= {"image.reorder", "image.delete"}

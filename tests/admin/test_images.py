"""Product image uploads: real images only, resized copies, alt text required, size limit, reorder, delete.
Pictures live in the database as content-addressed blobs (store/media), never on an instance's disk."""
from __future__ import annotations

import hashlib
import io

from PIL import Image
from sqlalchemy import func, select

from store.catalog.models import Product, ProductImage
from store.media.models import MediaBlob, Picture
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


def _blob_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(MediaBlob))


def test_valid_png_is_reencoded_into_renditions_stored_as_blobs(app, db, admin_client, upload_folder):
    product = _product(db)
    response = _upload(admin_client, product.id, png_bytes((2400, 1800)))
    assert response.status_code == 302
    db.session.expire_all()
    image = db.session.get(Product, product.id).images[0]
    assert image.alt_text == "A cedar roller" and image.path.startswith("media/")
    assert (image.width, image.height) == (1280, 960)
    # One rendition per width and format, each its own blob named by the sha256 of its bytes.
    assert sorted((r.format, r.width, r.height) for r in image.picture.renditions) == [
        ("jpeg", 320, 240), ("jpeg", 640, 480), ("jpeg", 1280, 960),
        ("webp", 320, 240), ("webp", 640, 480), ("webp", 1280, 960)]
    for rendition in image.picture.renditions:
        blob = db.session.get(MediaBlob, rendition.blob_sha256)
        assert hashlib.sha256(blob.data).hexdigest() == blob.sha256 and blob.size == len(blob.data)
        decoded = Image.open(io.BytesIO(blob.data))
        assert decoded.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
        assert decoded.size == (rendition.width, rendition.height) == (blob.width, blob.height)
    # The served detail copy is the largest WebP; the list copy the smallest.
    detail = Image.open(io.BytesIO(admin_client.get("/" + image.path).data))
    thumb = Image.open(io.BytesIO(admin_client.get("/" + image.thumb_path).data))
    assert detail.format == "WEBP" and detail.size == (1280, 960)
    assert thumb.format == "WEBP" and thumb.size == (320, 240)
    assert audit_rows(db, "image.add")[0].changes["alt_text"] == [None, "A cedar roller"]
    assert not upload_folder.exists()   # nothing written to the instance's disk


def test_text_file_named_png_is_refused(app, db, admin_client, upload_folder):
    product = _product(db)
    response = _upload(admin_client, product.id, b"I am not a picture, just text.\n" * 20)
    assert response.status_code == 400
    assert "not a readable image" in response.get_data(as_text=True)
    assert db.session.query(ProductImage).count() == 0
    assert _blob_count(db) == 0 and db.session.query(Picture).count() == 0


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
    blobs_before = _blob_count(db)
    admin_client.post(f"/admin/products/{product.id}/images/{first.id}/delete")
    db.session.expire_all()
    assert [i.alt_text for i in db.session.get(Product, product.id).images] == ["Picture 1"]
    # 500 px wide: renditions at 320 and 500 px (never upscaled), WebP and JPEG: four blobs go with it.
    assert blobs_before - _blob_count(db) == 4
    assert admin_client.get("/" + first.path).status_code == 404
    assert {e.action for e in audit_rows(db)} >= {"image.reorder", "image.delete"}

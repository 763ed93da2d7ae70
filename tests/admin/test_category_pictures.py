"""Issue 16: a category's picture. Uploaded in the back office through the same checks and renditions as product
pictures (stored in the database, never on an instance's disk), shown on the home page tile and at the top of the
category's list, replaced or removed with the old picture deleted once nothing else shows it; audited; staff+."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from store.catalog.models import Category, CategoryPicture
from store.media.models import MediaBlob, Picture
from tests.admin.conftest import audit_rows
from tests.factories import make_category, make_disclaimers, make_product, png_bytes

PASSWORD = "correct horse battery"


def _upload(client, category_id, data: bytes, alt="Three foam rollers on a wooden floor", filename="rollers.png",
            mimetype="image/png"):
    return client.post(f"/admin/categories/{category_id}/picture", content_type="multipart/form-data",
                       data={"image": (io.BytesIO(data), filename, mimetype), "alt_text": alt})


def _category(db, name="Rollers"):
    category = make_category(name, slug=name.lower())
    db.session.commit()
    return category


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_shows_on_the_home_tile_and_the_category_page(app, db, admin_client, upload_folder):
    make_disclaimers()
    category = _category(db)
    make_product("Cedar Roller", category=category)
    db.session.commit()
    response = _upload(admin_client, category.id, png_bytes((1600, 1200)))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/categories/{category.id}#picture")
    db.session.expire_all()
    category = db.session.get(Category, category.id)
    assert category.picture_alt == "Three foam rollers on a wooden floor"
    assert sorted((r.format, r.width) for r in category.picture.renditions) == [
        ("jpeg", 320), ("jpeg", 640), ("jpeg", 1280), ("webp", 320), ("webp", 640), ("webp", 1280)]
    webp = category.picture.rendition("webp", 640)

    home = admin_client.get("/").get_data(as_text=True)
    tile = home[home.index('class="category-tile category-tile--picture"'):]
    tile = tile[:tile.index("</a>")]
    # On the tile the picture is decorative (the tile names the category); it offers every width as WebP.
    assert 'alt=""' in tile and f"/media/{webp.blob_sha256}.webp 640w" in tile and 'loading="lazy"' in tile
    listing = admin_client.get("/products?category=rollers").get_data(as_text=True)
    header = listing[listing.index('class="category-header"'):]
    assert 'alt="Three foam rollers on a wooden floor"' in header[:header.index("</div>")]
    assert category.description in header
    served = admin_client.get(f"/media/{webp.blob_sha256}.webp")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert audit_rows(db, "category.picture")[0].changes["picture_alt"] == [
        "", "Three foam rollers on a wooden floor"]
    assert not upload_folder.exists()   # nothing on this instance's disk


def test_replacing_deletes_the_old_picture_and_removing_deletes_the_last(app, db, admin_client):
    category = _category(db)
    assert _upload(admin_client, category.id, png_bytes(color=(10, 200, 10))).status_code == 302
    first = db.session.scalar(select(CategoryPicture.picture_id))
    assert _upload(admin_client, category.id, png_bytes(color=(200, 10, 10)), alt="Red rollers").status_code == 302
    db.session.expire_all()
    second = db.session.scalar(select(CategoryPicture.picture_id))
    assert second != first and db.session.get(Picture, first) is None and _count(db, Picture) == 1
    assert db.session.get(Category, category.id).picture_alt == "Red rollers"

    response = admin_client.post(f"/admin/categories/{category.id}/picture/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Category, category.id).picture is None
    assert _count(db, Picture) == 0 and _count(db, MediaBlob) == 0 and _count(db, CategoryPicture) == 0
    page = admin_client.get(f"/admin/categories/{category.id}").get_data(as_text=True)
    assert "No picture yet" in page
    assert [list(r.changes["picture_id"]) for r in audit_rows(db, "category.picture")][-1] == [second, None]


def test_a_picture_a_product_also_shows_is_kept_when_the_category_drops_it(app, db, admin_client):
    make_disclaimers()
    category = _category(db)
    product = make_product("Shared Picture Roller", category=category, status="draft")
    product.images.clear()
    db.session.commit()
    data = png_bytes(color=(1, 2, 3))
    assert admin_client.post(f"/admin/products/{product.id}/images", content_type="multipart/form-data",
                             data={"image": (io.BytesIO(data), "p.png", "image/png"),
                                   "alt_text": "A roller"}).status_code == 302
    assert _upload(admin_client, category.id, data).status_code == 302
    assert _count(db, Picture) == 1     # the same file is one picture, shown twice
    assert admin_client.post(f"/admin/categories/{category.id}/picture/delete").status_code == 302
    db.session.expire_all()
    assert _count(db, Picture) == 1 and db.session.get(Category, category.id).picture is None
    # ...and the other way round: deleting the product's image keeps the category's.
    assert _upload(admin_client, category.id, data).status_code == 302
    image_id = db.session.get(type(product), product.id).images[0].id
    assert admin_client.post(f"/admin/products/{product.id}/images/{image_id}/delete").status_code == 302
    db.session.expire_all()
    assert _count(db, Picture) == 1 and db.session.get(Category, category.id).picture is not None
    # Deleting the (empty) category deletes its picture with it.
    product = db.session.get(type(product), product.id)
    product.category = None
    db.session.commit()
    assert admin_client.post(f"/admin/categories/{category.id}/delete").status_code == 302
    assert _count(db, Picture) == 0 and _count(db, CategoryPicture) == 0


def test_bad_uploads_get_a_form_error_and_change_nothing(app, db, admin_client):
    category = _category(db)
    cases = [
        (dict(data=b"not a picture at all", filename="x.png"), "not a readable image"),
        (dict(data=png_bytes(), filename="x.gif", mimetype="image/gif"), "JPEG, PNG or WebP"),
        (dict(data=png_bytes(), alt="   "), "alt text"),
    ]
    for kwargs, message in cases:
        response = _upload(admin_client, category.id, **kwargs)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html, (kwargs.get("filename"), html[:300])
    assert _count(db, Picture) == 0 and _count(db, CategoryPicture) == 0
    assert admin_client.post("/admin/categories/999999/picture", content_type="multipart/form-data",
                             data={"image": (io.BytesIO(png_bytes()), "x.png", "image/png"),
                                   "alt_text": "x"}).status_code == 404


def test_read_only_users_cannot_change_a_category_picture(app, db, client, make_user, login_as):
    category = _category(db)
    viewer = make_user("viewer@kneadwell.test", PASSWORD, role="readonly", name="Vera Viewer")
    login_as(client, viewer)
    response = _upload(client, category.id, png_bytes())
    assert response.status_code == 403
    assert "staff or owner" in response.get_data(as_text=True)
    assert _count(db, CategoryPicture) == 0

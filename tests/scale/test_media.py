"""Pictures every instance sees: uploaded through instance A, served by instance B byte for byte, as immutable
content-addressed URLs; pages offer them with srcset/sizes."""
from __future__ import annotations

import hashlib
import io
import re

from PIL import Image

from store.admin.catalog import services as admin_catalog
from store.media.models import MediaBlob
from tests.factories import make_disclaimers, make_product, png_bytes


def _upload(client, product_id, data: bytes, alt="A birch massage ball"):
    return client.post(f"/admin/products/{product_id}/images", content_type="multipart/form-data",
                       data={"image": (io.BytesIO(data), "ball.png", "image/png"), "alt_text": alt})


def _admin_client(app, make_user, login_as):
    client = app.test_client()
    login_as(client, make_user(email="boss@kneadwell.test", role="admin"))
    return client


def test_picture_uploaded_through_instance_a_is_served_by_instance_b(app, db, make_app, make_user, login_as):
    make_disclaimers()
    product = make_product("Birch Ball")
    db.session.commit()
    a_admin = _admin_client(app, make_user, login_as)
    assert _upload(a_admin, product.id, png_bytes((1500, 1000), (90, 140, 200))).status_code == 302

    b = make_app("b")
    assert b.instance_path != app.instance_path
    a_page = app.test_client().get(f"/products/{product.slug}").get_data(as_text=True)
    b_page = b.test_client().get(f"/products/{product.slug}").get_data(as_text=True)
    urls = sorted(set(re.findall(r"/media/[0-9a-f]{64}\.(?:webp|jpg)", a_page)))
    assert len(urls) == 6 and urls == sorted(set(re.findall(r"/media/[0-9a-f]{64}\.(?:webp|jpg)", b_page)))
    for url in urls:
        from_a, from_b = app.test_client().get(url), b.test_client().get(url)
        assert from_a.status_code == from_b.status_code == 200
        assert from_a.data == from_b.data and hashlib.sha256(from_b.data).hexdigest() == url[7:71]
        assert from_b.mimetype == ("image/webp" if url.endswith(".webp") else "image/jpeg")


def test_blob_urls_are_immutable_with_etag_and_304(app, db, client):
    make_disclaimers()
    product = make_product("Cork Ball")
    db.session.commit()
    image = admin_catalog.add_image(product.id, filename="cork.png", mimetype="image/png", data=png_bytes(),
                                    alt_text="A cork ball", max_bytes=None, actor_id=None)
    sha = image.path[len("media/"):-len(".webp")]
    response = client.get(f"/media/{sha}.webp")
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{sha}"'
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(response.data)).format == "WEBP"
    again = client.get(f"/media/{sha}.webp", headers={"If-None-Match": f'"{sha}"'})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == f'"{sha}"'
    # Unknown hash, wrong extension for the bytes, malformed names: 404, never a 500.
    assert client.get(f"/media/{'0' * 64}.webp").status_code == 404
    assert client.get(f"/media/{sha}.jpg").status_code == 404
    for bad in ("/media/xyz.webp", f"/media/{sha.upper()}.webp", f"/media/{sha}.png", "/media/.webp"):
        assert client.get(bad).status_code == 404


def test_same_file_uploaded_twice_is_stored_once(app, db):
    make_disclaimers()
    first, second = make_product("Twin One"), make_product("Twin Two")
    db.session.commit()
    data = png_bytes((700, 500), (10, 200, 90))
    for product in (first, second):
        admin_catalog.add_image(product.id, filename="same.png", mimetype="image/png", data=data,
                                alt_text="The same picture", max_bytes=None, actor_id=None)
    assert db.session.query(MediaBlob).count() == 6   # 320, 640 and 700 px, WebP and JPEG: once
    # Deleting one product keeps the blobs the other still shows.
    admin_catalog.delete_product(first.id, actor_id=None)
    assert db.session.query(MediaBlob).count() == 6


def test_pages_offer_srcset_and_sizes(app, db, client):
    make_disclaimers()
    product = make_product("Srcset Roller")
    product.images.clear()
    db.session.commit()
    admin_catalog.add_image(product.id, filename="r.png", mimetype="image/png", data=png_bytes((2000, 1500)),
                            alt_text="A roller on linen", max_bytes=None, actor_id=None)
    detail = client.get(f"/products/{product.slug}").get_data(as_text=True)
    listing = client.get("/products").get_data(as_text=True)
    for html in (detail, listing):
        assert re.search(r'<source type="image/webp" srcset="/media/[0-9a-f]{64}\.webp 320w, '
                         r'/media/[0-9a-f]{64}\.webp 640w, /media/[0-9a-f]{64}\.webp 1280w" sizes="[^"]+">', html)
        assert re.search(r'<img[^>]+srcset="/media/[0-9a-f]{64}\.jpg 320w, [^"]+1280w" sizes="[^"]+"[^>]*'
                         r'alt="A roller on linen"', html)
    client.post("/cart/add", data={"variant_id": product.variants[0].id, "quantity": "1"})
    cart = client.get("/cart").get_data(as_text=True)
    assert re.search(r'<img class="cart-line__image" src="/media/[0-9a-f]{64}\.jpg" srcset="[^"]+" sizes="80px"', cart)


def test_demo_pictures_keep_their_static_paths(app, db, client):
    make_disclaimers()
    product = make_product("Static Roller")   # factories use img/products/placeholder.svg
    db.session.commit()
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert '<img src="/static/img/products/placeholder.svg"' in html

from tests.factories import make_disclaimers, make_product


def test_product_page_shows_safety_block(app, client):
    with app.app_context():
        from store.extensions import db
        make_disclaimers()
        product = make_product("Smoke Roller", warnings="Avoid the front of the neck.")
        slug = product.slug
        db.session.commit()
    html = client.get(f"/products/{slug}").get_data(as_text=True)
    assert 'id="safety"' in html and 'data-disclaimer-version="1"' in html
    assert "Avoid the front of the neck." in html

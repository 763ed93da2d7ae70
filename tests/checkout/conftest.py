from types import SimpleNamespace

import pytest

from store.extensions import db as _db
from tests.checkout.helpers import WEBHOOK_SECRET, RecordingHTTPClient
from tests.factories import make_disclaimers, make_product


@pytest.fixture
def shop(app):
    """Disclaimers plus two products: a roller ($24.00, 10 in stock) and an oil with two sizes."""
    with app.app_context():
        make_disclaimers()
        roller = make_product("Cedar Foot Roller", variants=[{"sku": "ROLL-1", "price_cents": 2400, "on_hand": 10}])
        oil = make_product("Calm Body Oil", kind="oil", variants=[
            {"sku": "OIL-50", "label": "50 ml", "price_cents": 1450, "on_hand": 4},
            {"sku": "OIL-100", "label": "100 ml", "price_cents": 2600, "on_hand": 2}])
        _db.session.commit()
        data = SimpleNamespace(roller=roller.variants[0].id, roller_slug=roller.slug, oil_small=oil.variants[0].id,
                               oil_large=oil.variants[1].id, oil_slug=oil.slug)
        _db.session.remove()
    return data


@pytest.fixture
def stripe_http(app):
    """Stripe configured, with only its HTTP layer replaced by a recording stub."""
    client = RecordingHTTPClient()
    old = {k: app.config.get(k) for k in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE")}
    app.config.update(STRIPE_SECRET_KEY="sk_test_kneadwell", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                      STRIPE_API_BASE="")
    app.extensions["stripe_http_client"] = client
    yield client
    app.extensions.pop("stripe_http_client", None)
    app.config.update(old)


@pytest.fixture
def webhook_secret(app):
    old = app.config.get("STRIPE_WEBHOOK_SECRET")
    app.config["STRIPE_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    yield WEBHOOK_SECRET
    app.config["STRIPE_WEBHOOK_SECRET"] = old

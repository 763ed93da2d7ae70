from tests.checkout.conftest import shop, stripe_http, webhook_secret  # noqa: F401  (the checkout test shop)

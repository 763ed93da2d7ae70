"""The templates' url_for memo (store.templating.register_url_memo): the same links as url_for, per script root."""
from __future__ import annotations

from flask import url_for


def test_memo_builds_the_same_links_as_url_for(app):
    memo = app.jinja_env.globals["url_for"]
    with app.test_request_context("/products"):
        for endpoint, values in [("static", {"filename": "css/store.css"}), ("catalog.product_list", {}),
                                 ("catalog.product_list", {"kind": "oil", "page": 2}),
                                 ("catalog.product_list", {"page": 2, "kind": "oil"}),
                                 ("catalog.product_detail", {"slug": "foam-roller"})]:
            assert memo(endpoint, **values) == url_for(endpoint, **values)
            assert memo(endpoint, **values) == url_for(endpoint, **values)  # from the memo, still the same
        assert "v=" in memo("static", filename="css/store.css")  # the fingerprint is kept
        # not memoised, still right: absolute links, anchors, lists, booleans
        assert memo("catalog.product_list", _external=True) == url_for("catalog.product_list", _external=True)
        assert memo("catalog.home", _anchor="x") == "/#x"
        assert memo("catalog.product_list", kind=["oil", "tool"]) == url_for("catalog.product_list",
                                                                              kind=["oil", "tool"])
        # an empty argument name (a hostile query string's "?=x" carried into a pager or facet link)
        assert memo("catalog.product_list", **{"": "x", "page": 2}) == url_for("catalog.product_list",
                                                                               **{"": "x", "page": 2})


def test_memo_keys_on_the_script_root(app):
    memo = app.jinja_env.globals["url_for"]
    with app.test_request_context("/products"):
        plain = memo("catalog.product_list")
    with app.test_request_context("/products", environ_overrides={"SCRIPT_NAME": "/shop"}):
        mounted = memo("catalog.product_list")
    assert plain == "/products" and mounted == "/shop/products"

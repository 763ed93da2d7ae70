"""The safety information templates show: the disclaimer in effect and a product's warnings. Both refuse to
give nothing (an exception, i.e. a 500), so no page renders without its safety text."""
from __future__ import annotations

from flask import Flask

from store.catalog.services import MissingWarnings, allergens_of
from store.safety import services


def current_disclaimer(kind: str = "product"):
    """The disclaimer in effect; raises (a 500, never a page without it) when none exists."""
    return services.current_disclaimer(kind)


def required_warnings(product) -> list[str]:
    """A product's warnings; a product page without them refuses to render."""
    warnings = product.warning_list
    if not warnings:
        raise MissingWarnings(product.name)
    return warnings


def register(app: Flask) -> None:
    app.add_template_global(allergens_of, "product_allergens")
    app.add_template_global(services.key_warnings, "key_warnings")
    app.add_template_global(current_disclaimer, "current_disclaimer")
    app.add_template_global(required_warnings, "required_warnings")

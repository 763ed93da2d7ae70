"""The countries the store ships to: one list for every address form (checkout and saved addresses), so a saved
address can only be in a country checkout accepts. Shipping is one flat rate for all of them.

A shared module: it imports no area.
"""
from __future__ import annotations

from wtforms.fields.choices import SelectChoice

# Code -> name, in the order the forms offer them.
SHIPPING_COUNTRIES: dict[str, str] = {"US": "United States", "CA": "Canada"}
DEFAULT_COUNTRY = "US"

# Names inside a sentence ("is in the United Kingdom"), also for addresses saved before the list was narrowed
# (saved addresses once offered these countries).
_IN_SENTENCE = {"US": "the United States", "GB": "the United Kingdom", "IE": "Ireland", "AU": "Australia",
                "NZ": "New Zealand", "DE": "Germany", "FR": "France", "NL": "the Netherlands"}


def country_choices() -> list[SelectChoice]:
    """The choices of a country select (a new list each time: forms may not share mutable choices)."""
    return [SelectChoice(code, name) for code, name in SHIPPING_COUNTRIES.items()]


def ships_to(code: str | None) -> bool:
    return (code or "").strip().upper() in SHIPPING_COUNTRIES


def country_name(code: str | None) -> str:
    """A country's name as it reads inside a sentence, else its code."""
    code = (code or "").strip().upper()
    return _IN_SENTENCE.get(code) or SHIPPING_COUNTRIES.get(code) or code or "no country"


def shipping_countries_text() -> str:
    """"the United States and Canada": the countries we ship to, for messages."""
    names = [country_name(code) for code in SHIPPING_COUNTRIES]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def not_shipped_message(code: str | None) -> str:
    """Said wherever an address outside the shipping countries turns up (never changed silently)."""
    return (f"We ship only to {shipping_countries_text()}, and this address is in {country_name(code)}. "
            "Please enter a delivery address in one of those countries.")

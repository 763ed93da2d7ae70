"""Country and region names for addresses and messages. Which countries the store ships to is the owner's data
(shipping zones, ``store.pricing.services.shipping_countries``): checkout and saved addresses offer those.

A shared module: it imports no area.
"""
from __future__ import annotations

DEFAULT_COUNTRY = "US"

# Names inside a sentence ("is in the United Kingdom"), where the plain name needs an article.
_IN_SENTENCE = {"US": "the United States", "GB": "the United Kingdom", "NL": "the Netherlands",
                "CZ": "Czechia", "AU": "Australia", "NZ": "New Zealand", "IE": "Ireland", "DE": "Germany",
                "FR": "France"}

# US states and Canadian provinces by name, so "New York" and "ny" both become "NY" (tax rates are by code).
_REGIONS = {
    "US": {"alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
           "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
           "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN",
           "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
           "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO",
           "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
           "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH",
           "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI",
           "south carolina": "SC", "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT",
           "vermont": "VT", "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
           "wyoming": "WY", "puerto rico": "PR"},
    "CA": {"alberta": "AB", "british columbia": "BC", "manitoba": "MB", "new brunswick": "NB",
           "newfoundland and labrador": "NL", "nova scotia": "NS", "ontario": "ON", "prince edward island": "PE",
           "quebec": "QC", "québec": "QC", "saskatchewan": "SK", "northwest territories": "NT", "nunavut": "NU",
           "yukon": "YT"},
}
REGION_REQUIRED = frozenset(_REGIONS)   # countries whose addresses need a state or province


def country_name(code: str | None, name: str | None = None) -> str:
    """A country's name as it reads inside a sentence, else the name given, else its code."""
    code = (code or "").strip().upper()
    return _IN_SENTENCE.get(code) or name or code or "no country"


def region_code(country: str | None, text: str | None) -> str:
    """The region's code where the store knows the country's regions ("New York" -> "NY"), else the text as
    typed, upper-cased (tax rates are looked up by it)."""
    country = (country or "").strip().upper()
    text = " ".join((text or "").split())
    known = _REGIONS.get(country)
    if known is None:
        return text.upper()[:10]
    if text.upper() in known.values():
        return text.upper()
    return known.get(text.lower(), text.upper()[:10])


def is_known_region(country: str | None, text: str | None) -> bool:
    known = _REGIONS.get((country or "").strip().upper())
    return known is None or region_code(country, text) in known.values()


def region_problem(country: str | None, region: str | None) -> str | None:
    """What is wrong with an address's state or province (None when it is fine): required, and one the store
    knows, for the United States and Canada; optional elsewhere."""
    country = (country or "").strip().upper()
    if country not in REGION_REQUIRED:
        return None
    kind = "state" if country == "US" else "province"
    if not (region or "").strip():
        return f"Enter the {kind}."
    if not is_known_region(country, region):
        return f"Enter a {kind} by its name or its two-letter code, like {'NY or New York' if country == 'US' else 'ON or Ontario'}."
    return None

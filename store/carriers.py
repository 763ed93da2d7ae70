"""Carrier tracking links: a carrier's name (as staff type it when marking an order shipped) and a tracking
number -> the carrier's public tracking page. Imports no area; the shipped email asks ``tracking_url``.

The table is ``CARRIER_TRACKING_URLS`` (config; defaults below): names compared without case, spaces or
punctuation, URL templates with ``{number}`` (the tracking number, URL-encoded). An unknown carrier gives no
link, and the email shows the carrier and number as text."""
from __future__ import annotations

import re
from urllib.parse import quote

from flask import current_app

DEFAULT_TRACKING_URLS: dict[str, str] = {
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "UPS": "https://www.ups.com/track?tracknum={number}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "DHL": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={number}",
    "Royal Mail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    "Canada Post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
    "Australia Post": "https://auspost.com.au/mypost/track/#/details/{number}",
    "DPD": "https://track.dpd.co.uk/parcels/{number}",
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


def tracking_table() -> dict[str, str]:
    """Normalised carrier name -> URL template (config overrides and extends the defaults)."""
    table = dict(DEFAULT_TRACKING_URLS)
    table.update(current_app.config.get("CARRIER_TRACKING_URLS") or {})
    return {_norm(name): url for name, url in table.items() if url and "{number}" in url}


def tracking_url(carrier: str | None, number: str | None) -> str:
    """The carrier's tracking page for this parcel, or "" when the carrier is unknown or a part is missing."""
    number = (number or "").strip()
    template = tracking_table().get(_norm(carrier or ""))
    if not template or not number:
        return ""
    return template.replace("{number}", quote(number, safe=""))

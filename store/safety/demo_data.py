"""Disclaimer text shown on Kneadwell product pages and guides (plain text)."""

PRODUCT_DISCLAIMER = {
    "title": "Safety first",
    "body": (
        "Kneadwell tools, oils and accessories are made for general wellness "
        "and everyday self-care; they are not medical devices and they do not "
        "diagnose, treat or cure any condition. Please read the warnings for "
        "each product before you use it. If you are unsure whether a product "
        "is right for you, ask a doctor, physical therapist or other "
        "clinician first, and stop using it if pain increases."
    ),
}

GUIDE_DISCLAIMER = {
    "title": "Educational content, not medical advice",
    "body": (
        "Our guides are written for general education only and are not a "
        "substitute for professional diagnosis or treatment. Talk to a "
        "doctor or physical therapist about your own situation, especially "
        "before starting something new. Stop any technique that makes pain "
        "worse, and seek care promptly if you notice any of the warning signs "
        "listed in the guide."
    ),
}

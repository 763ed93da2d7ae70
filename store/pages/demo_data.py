"""Demo wording of the policy and help pages (the owner replaces it in the back office: each save a new version)."""
from __future__ import annotations

PAGE_TEXTS: dict[str, dict[str, str]] = {
    "shipping": {
        "title": "Shipping",
        "summary": "Where we ship, what it costs and how long it takes.",
        "body": """We pack every order by hand in our own workshop and hand it to the carrier within two working days.

## What it costs

- Standard and express delivery in each region we ship to, priced by the parcel's weight.
- Free standard shipping once your subtotal after any discount reaches the threshold for your region; your
  cart shows how far you are from it.
- In the United Kingdom and the European Union our prices include VAT. In the United States sales tax, where
  your state charges it, is added at checkout.

The exact amount is always shown at checkout before you pay.

## How long it takes

Most parcels arrive three to six working days after they leave us. When your order ships we email you the
carrier's name and a tracking link.

## Where we ship

We ship to the countries listed in the checkout's country menu. If yours is missing, write to us through the
contact page and we will tell you whether we can help.
""",
    },
    "returns": {
        "title": "Returns and refunds",
        "summary": "Send back unused items within 30 days for a full refund.",
        "body": """Changed your mind? Send the item back unused, in its packaging, within **30 days** of delivery and we
refund the price of the item.

## How to return something

1. Write to us through the [contact page](/contact) with your order number.
2. We reply with the return address and a return reference.
3. Once the parcel reaches us we refund you within five working days, to the card or account you paid with.

## Oils and opened items

For hygiene reasons we cannot take back opened oils or tools that have been used on skin, unless they arrived
damaged or faulty.

## Damaged or faulty

If something arrives damaged or does not work as it should, tell us within 30 days: we send a replacement or
refund you in full, including shipping, and you do not pay for the return.

## Cancelling an order

An order that has not shipped yet can be cancelled: write to us and we cancel it and refund anything you paid.
You receive an email for every cancellation and refund.
""",
    },
    "privacy": {
        "title": "Privacy",
        "summary": "What we keep about you, why, and for how long.",
        "body": """We keep only what we need to sell you things and look after your orders.

## What we keep

- Your name, email and shipping address, to send your order and emails about it.
- Your order history, for our accounts and for returns.
- If you have an account: your password as a one-way hash, and the devices you are signed in on.
- Messages you send us through the contact form.

## What we never do

We do not sell or rent your details, we use no advertising trackers, and our pages load no third-party
scripts or fonts. Card details go straight to our payment provider; we never see or store them.

## Cookies

One cookie keeps you signed in and holds your cart. It is not used for anything else.

## Your choices

Write to us through the [contact page](/contact) to get a copy of what we hold about you, to correct it or to have your
account deleted (we keep order records as long as the law requires).
""",
    },
    "terms": {
        "title": "Terms of sale",
        "summary": "The agreement between you and us when you buy from this shop.",
        "body": """These terms apply to every order placed in this shop.

## Prices and payment

Prices are shown in the store currency and include everything except shipping, which is shown before you pay.
Your order is confirmed once the payment has gone through; we then email a confirmation.

## Safety

Our tools and oils are for general wellness at home. They do not diagnose, treat or cure any condition.
Every product page carries our safety disclaimer and the product's own warnings; at checkout you confirm that
you have read them. Please ask a clinician before use if you are unsure whether a product suits you.

## Stock

If an item sells out while your payment is completing, we refund it in full and tell you by email.

## Returns

See our [returns and refunds page](/returns).

## Contact

Questions about these terms? Write to us through the [contact page](/contact).
""",
    },
    "about": {
        "title": "About us",
        "summary": "A small shop for massage tools and oils, with guides written to be used safely.",
        "body": """We are a small shop selling massage tools and oils for self-care at home: fascia tools, gua sha boards,
massage balls, rollers and plain, well-labelled oils.

Every product page tells you what the product is, how it is used and when not to use it. Our how-to guides
explain techniques step by step, list their sources, and say plainly when to see a clinician instead.

We answer every message ourselves, usually within one working day.
""",
    },
    "contact": {
        "title": "Contact us",
        "summary": "Questions about an order, a product or a return: write to us.",
        "body": """Questions about an order, a product or a return? Send us a message with the form below and we reply
by email, usually within one working day.

If your message is about an order, add its number (it is in your confirmation email) so we can find it quickly.
""",
    },
}

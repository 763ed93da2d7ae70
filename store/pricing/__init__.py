"""Pricing: the one place money adds up (lines, discounts, shipping, tax, totals). ``engine.py`` is pure."""

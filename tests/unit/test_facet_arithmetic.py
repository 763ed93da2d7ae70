"""facets.counts' arithmetic over the combination rows, against a brute force: each facet's values counted under
every other facet's filter (never its own), the total under all of them, "free from" subtracting the carriers.
The rows are random (300 catalogs of random combinations, random filters); no database is needed."""
import random
from types import SimpleNamespace

import pytest

from store.catalog import facets

CATEGORIES = [SimpleNamespace(id=i, slug=f"c{i}", name=f"C{i}") for i in (1, 2, 3)]
ALLERGENS = [SimpleNamespace(id=i, code=f"a{i}", name=f"A{i}") for i in (7, 8)]
KINDS = list(facets.KIND_LABELS)
BUCKETS = [p.key for p in facets.PRICE_RANGES]


def _catalog(rng):
    """(category, kind, price range, in stock) -> products, and per allergen how many of them carry it."""
    plain, carried = {}, {}
    for _ in range(rng.randint(0, 25)):
        key = (rng.choice([1, 2, 3, None]), rng.choice(KINDS), rng.choice(BUCKETS), rng.random() < 0.5)
        plain[key] = plain.get(key, 0) + rng.randint(1, 9)
    for key, n in plain.items():
        for allergen in ALLERGENS:
            if rng.random() < 0.3:
                carried[(key, allergen.id)] = rng.randint(1, n)
    return plain, carried


def _filters(rng):
    return facets.Filters(
        category=rng.choice([None, *CATEGORIES]), kind=rng.choice([None, *KINDS]),
        price=rng.choice([None, *facets.PRICE_RANGES]), in_stock=rng.random() < 0.4,
        free_from=rng.choice([None, *ALLERGENS]))


def _brute_force(plain, carried, f):
    def keeps(key, skip):
        cat, kind, bucket, stock = key
        return ((skip == "category" or f.category is None or cat == f.category.id)
                and (skip == "kind" or not f.kind or kind == f.kind)
                and (skip == "price" or f.price is None or bucket == f.price.key)
                and (skip == "in_stock" or not f.in_stock or stock))

    def n(key):  # under "free from": less the products carrying the allergen
        return plain[key] - (carried.get((key, f.free_from.id), 0) if f.free_from else 0)

    def by(name, index):
        out = {}
        for key in plain:
            if keeps(key, name):
                out[key[index]] = out.get(key[index], 0) + n(key)
        return out

    expected = {"total": sum(n(k) for k in plain if keeps(k, "")), "category": by("category", 0),
                "kind": by("kind", 1), "price": by("price", 2), "in_stock": by("in_stock", 3).get(True, 0)}
    others = [k for k in plain if keeps(k, "free_from")]
    whole = sum(plain[k] for k in others)
    expected["free_from"] = {a.code: whole - sum(carried.get((k, a.id), 0) for k in others) for a in ALLERGENS}
    # offered when it leaves something out, or when it is the one chosen
    expected["offered"] = {a.code for a in ALLERGENS if expected["free_from"][a.code] < whole or f.free_from is a}
    return expected


@pytest.mark.parametrize("seed", range(300))
def test_counts_equal_a_brute_force_under_any_filters(monkeypatch, seed):
    rng = random.Random(seed)
    plain, carried = _catalog(rng)
    f = _filters(rng)
    rows = [(*key, None, n) for key, n in plain.items()] + [(*key, a, n) for (key, a), n in carried.items()]
    monkeypatch.setattr(facets, "_combination_rows", lambda scope: rows)
    shown = facets.counts(f, CATEGORIES, allergens=ALLERGENS)
    expected = _brute_force(plain, carried, f)
    assert shown.total == expected["total"]
    for name in ("category", "kind", "price"):
        counted = {k: v for k, v in expected[name].items() if v}
        got = {v.key: v.count for v in shown.groups[name]}
        if name == "category":
            counted = {f"c{k}": v for k, v in counted.items() if k is not None}
        # a value is listed when it has products, or when it is the one chosen (then possibly with 0)
        assert {k: v for k, v in got.items() if v} == counted, name
    assert shown.groups["in_stock"][0].count == expected["in_stock"]
    offered = {v.key: v.count for v in shown.groups["free_from"]}
    assert set(offered) == expected["offered"]
    for code, free in offered.items():
        assert free == expected["free_from"][code], code

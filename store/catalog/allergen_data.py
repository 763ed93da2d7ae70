"""Reference data: allergens and the ingredients (INCI names) that carry them. INCI names and the EU list of
labelled fragrance allergens are facts; the warning lines are the store's own words. Loaded by
``catalog.services.ensure_allergens`` (idempotent) from ``flask seed-demo`` and the migration."""

TREE_NUT_SOURCES = [
    "Prunus Amygdalus Dulcis Oil",            # sweet almond
    "Prunus Amygdalus Dulcis Seed Oil",
    "Prunus Amygdalus Dulcis Kernel Oil",
    "Prunus Dulcis Oil",
    "Corylus Avellana Seed Oil",              # hazelnut
    "Juglans Regia Seed Oil",                 # walnut
    "Macadamia Ternifolia Seed Oil",          # macadamia
    "Macadamia Integrifolia Seed Oil",
    "Argania Spinosa Kernel Oil",             # argan
    "Carya Illinoinensis Seed Oil",           # pecan
    "Pistacia Vera Seed Oil",                 # pistachio
    "Anacardium Occidentale Seed Oil",        # cashew
    "Bertholletia Excelsa Seed Oil",          # brazil nut
]

# The fragrance allergens EU cosmetics rules require to be named on the label.
FRAGRANCE_ALLERGENS = [
    "Amyl Cinnamal", "Amylcinnamyl Alcohol", "Anise Alcohol", "Benzyl Alcohol", "Benzyl Benzoate",
    "Benzyl Cinnamate", "Benzyl Salicylate", "Cinnamal", "Cinnamyl Alcohol", "Citral", "Citronellol", "Coumarin",
    "Eugenol", "Farnesol", "Geraniol", "Hexyl Cinnamal", "Hydroxycitronellal", "Isoeugenol", "Limonene",
    "Linalool", "Methyl 2-Octynoate", "Alpha-Isomethyl Ionone", "Evernia Prunastri Extract",
    "Evernia Furfuracea Extract",
]

ALLERGENS = [
    {"code": "tree-nuts", "name": "Tree nuts", "group": "food", "keyword": "tree nut",
     "warning": "Contains tree nut oil. Do not use if you have a tree nut allergy.",
     "sources": TREE_NUT_SOURCES},
    {"code": "peanut", "name": "Peanut", "group": "food", "keyword": "peanut",
     "warning": "Contains peanut oil. Do not use if you have a peanut allergy.",
     "sources": ["Arachis Hypogaea Oil"]},
    {"code": "coconut", "name": "Coconut", "group": "food", "keyword": "coconut",
     "warning": "Derived from coconut. Do not use if you have a coconut allergy.",
     "sources": ["Cocos Nucifera Oil", "Caprylic/Capric Triglyceride"]},
] + [
    {"code": name.lower().replace(" ", "-"), "name": name, "group": "fragrance", "keyword": name.lower(),
     "warning": f"Contains {name.lower()}, a fragrance allergen. Patch test first; do not use if you react to it.",
     "sources": [name]}
    for name in FRAGRANCE_ALLERGENS
]

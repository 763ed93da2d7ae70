"""Demo catalogue for the Kneadwell store.

Pure data: categories and products with variants. Money is integer cents
(USD); weights are grams. Product copy describes what each item is, what it
is made of and how it is used. It deliberately makes no health claims:
educational material lives in the guides, safety text in store.safety.
"""

CATEGORIES = [
    {
        "slug": "fascia-tools",
        "name": "Fascia tools",
        "description": (
            "Hand-held edges and boards for scraping-style strokes over oiled "
            "skin. Smooth, bevelled and easy to keep clean."
        ),
    },
    {
        "slug": "pressure-tools",
        "name": "Pressure tools",
        "description": (
            "Canes and balls that let you lean into one spot and hold it, "
            "including places your hands cannot reach on your own."
        ),
    },
    {
        "slug": "foot-care",
        "name": "Foot care",
        "description": (
            "Rollers, textured balls and a night splint made for the soles, "
            "arches and heels of tired feet."
        ),
    },
    {
        "slug": "rollers",
        "name": "Rollers",
        "description": (
            "Foam rollers in two lengths for rolling out legs, hips and upper "
            "back on the floor or against a wall."
        ),
    },
    {
        "slug": "oils",
        "name": "Massage oils",
        "description": (
            "Small-batch oils that give tools and hands an even glide. "
            "Warming, arnica-infused and plain unscented options."
        ),
    },
    {
        "slug": "accessories",
        "name": "Accessories",
        "description": (
            "The extras that make a routine easier: a hot and cold pack, a "
            "travel pouch for tools and a drip-free pump for oil bottles."
        ),
    },
]


_TOOL_WARNINGS_CORE = [
    "Do not use over bruises, varicose veins, open wounds, rashes, recent "
    "injuries or suspected fractures.",
    "Keep away from bony prominences and from the front and sides of the neck.",
    "Ask a clinician before use if you are pregnant, take blood thinners, have "
    "a clotting disorder or have diabetes with reduced sensation.",
    "Stop straight away if pain increases or you notice numbness, tingling or "
    "skin that stays red or marked.",
]


PRODUCTS = [
    # ------------------------------------------------------------------ tools
    {
        "slug": "steel-fascia-tool",
        "name": "Kneadwell Steel Edge Fascia Tool",
        "kind": "tool",
        "category": "fascia-tools",
        "featured": True,
        "summary": (
            "A solid stainless steel scraping tool with a long straight edge, "
            "a curved edge and a rounded tip for gliding strokes over oiled skin."
        ),
        "description": (
            "The Steel Edge is our workhorse: one piece of brushed stainless "
            "steel, cut and hand-finished so every edge is bevelled and smooth "
            "to the touch. The long straight side suits broad, sweeping strokes "
            "along the thigh or calf, the concave curve hugs the back of the "
            "lower leg and forearm, and the rounded tip gets into smaller "
            "areas such as the arch of the foot.\n\n"
            "Use it over a thin layer of massage oil, holding the tool at a "
            "shallow angle of about 30 to 45 degrees and drawing it in one "
            "direction with light, steady pressure. The metal feels cool at "
            "first and warms quickly in your hand. Because it is non-porous, "
            "it wipes clean in seconds and does not hold on to oil or scent.\n\n"
            "- **Material:** 304 stainless steel, brushed finish\n"
            "- **Size:** 16 x 5.5 cm, 5 mm thick\n"
            "- **Weight:** 180 g\n"
            "- **Care:** wipe with warm soapy water or an alcohol wipe, dry "
            "fully, store in a pouch so the edges stay smooth\n\n"
            "Ships in a cotton sleeve. Pairs well with the Plain Glide carrier "
            "oil and the Roll-Up Tool Pouch."
        ),
        "warnings": _TOOL_WARNINGS_CORE + [
            "Use light pressure only; the steel edge concentrates force and "
            "can leave skin marks if pressed hard or used for too long in one spot.",
        ],
        "image": "steel-fascia-tool.svg",
        "image_alt": (
            "A flat, brushed-steel tool with one straight edge, one curved "
            "edge and a rounded tip, lying on a sand-coloured background."
        ),
        "variants": [
            {"sku": "KW-FT-STL", "label": "Standard", "price_cents": 3900,
             "compare_at_cents": None, "on_hand": 25, "weight_grams": 180},
        ],
    },
    {
        "slug": "gua-sha-stone-board",
        "name": "Kneadwell Stoneleaf Gua Sha Board",
        "kind": "tool",
        "category": "fascia-tools",
        "featured": True,
        "summary": (
            "A polished green stone gua sha board with a wavy edge, a curved "
            "edge and a notch, sized to sit comfortably in one hand."
        ),
        "description": (
            "The Stoneleaf board is cut from a single piece of green stone with "
            "a soft, jade-like colour and polished until it feels like glass. "
            "Stone holds temperature well: rinse it under cool water for a "
            "crisp feel, or warm it between your palms for a gentler one.\n\n"
            "Each edge has its own job. The long curve follows the shoulder and "
            "upper arm, the wavy comb edge adds a rippled texture to strokes "
            "along the calf, and the small notch cradles the wrist, fingers or "
            "the edge of the foot. Work over a little oil, keep the board "
            "nearly flat against the skin and move in slow, even passes in one "
            "direction.\n\n"
            "Because it is natural stone, the colour and veining vary from "
            "piece to piece, and small pale flecks are normal.\n\n"
            "- **Material:** natural green stone, hand polished\n"
            "- **Size:** 9.5 x 6 cm, 6 mm thick\n"
            "- **Weight:** 70 g\n"
            "- **Care:** rinse in lukewarm water with mild soap, pat dry; "
            "avoid very hot water and hard floors, as stone can chip or crack"
        ),
        "warnings": _TOOL_WARNINGS_CORE + [
            "Check the edges before each use; stop using the board if it is "
            "chipped or cracked, as a sharp edge can scratch the skin.",
        ],
        "image": "gua-sha-stone-board.svg",
        "image_alt": (
            "A green, polished stone board with a rounded outline, one wavy "
            "edge and a small notch, on a pale cream background."
        ),
        "variants": [
            {"sku": "KW-GS-STN", "label": "Green stone", "price_cents": 2400,
             "compare_at_cents": None, "on_hand": 34, "weight_grams": 70},
        ],
    },
    {
        "slug": "gua-sha-steel-board",
        "name": "Kneadwell Mirror Leaf Steel Gua Sha",
        "kind": "tool",
        "category": "fascia-tools",
        "featured": False,
        "summary": (
            "A mirror-polished stainless steel gua sha board with rounded "
            "edges, light enough for daily use and unbreakable if dropped."
        ),
        "description": (
            "Mirror Leaf takes the classic leaf-shaped gua sha outline and "
            "makes it in polished stainless steel. It is thinner and lighter "
            "than stone, will not crack if it slips off the bathroom shelf, "
            "and feels noticeably cool on the skin.\n\n"
            "The wide outer curve suits long strokes across the shoulders and "
            "the back of the legs; the tighter inner curve fits around the "
            "forearm and the calf. The tapered point is for small areas such "
            "as the sole of the foot. Apply a few drops of oil, hold the board "
            "at a low angle and sweep slowly in one direction. Lighter "
            "pressure gives a smoother glide; there is no need to press hard.\n\n"
            "- **Material:** 304 stainless steel, mirror polish\n"
            "- **Size:** 10 x 6.5 cm, 3 mm thick\n"
            "- **Weight:** 60 g\n"
            "- **Care:** wash with warm soapy water, dry straight away to keep "
            "the shine, wipe with alcohol before sharing between people\n\n"
            "Small batch: only a few left until the next run."
        ),
        "warnings": _TOOL_WARNINGS_CORE + [
            "The polished surface can become slippery with oil; keep a firm "
            "grip and do not use it while standing on a wet floor.",
        ],
        "image": "gua-sha-steel-board.svg",
        "image_alt": (
            "A shiny silver leaf-shaped board with smooth rounded edges and a "
            "highlight across its surface, on a sage background."
        ),
        "variants": [
            {"sku": "KW-GS-STL", "label": "Polished steel", "price_cents": 2900,
             "compare_at_cents": None, "on_hand": 2, "weight_grams": 60},
        ],
    },
    {
        "slug": "trigger-point-cane",
        "name": "Kneadwell Hookline Trigger Point Cane",
        "kind": "tool",
        "category": "pressure-tools",
        "featured": True,
        "summary": (
            "A hook-shaped cane with rounded knobs that lets you lean steady "
            "pressure into your upper back and shoulders without a helper."
        ),
        "description": (
            "The Hookline cane is a hook-shaped bar with six rounded knobs "
            "placed along its length. Hold the straight handle, hook the "
            "curved end over your shoulder and pull gently forward: the knob "
            "at the tip presses into your upper back while your arms stay "
            "relaxed. The other knobs reach the lower back, hips and the backs "
            "of the legs.\n\n"
            "Leverage does the work, so you control how much pressure you "
            "apply with very little effort. Start gently, hold a spot for a "
            "few slow breaths, then move on. The knobs are firm but not hard, "
            "and they unscrew so the cane packs flat.\n\n"
            "- **Material:** glass-fibre reinforced nylon body, dense rubber knobs\n"
            "- **Size:** 60 x 36 cm assembled\n"
            "- **Weight:** 430 g\n"
            "- **Care:** wipe with a damp cloth and mild soap; keep out of "
            "direct sunlight and away from heaters\n\n"
            "Comes with a printed quick-start card showing the most common "
            "holds."
        ),
        "warnings": _TOOL_WARNINGS_CORE + [
            "Never press on the spine itself, the armpit or the back of the knee.",
            "Hold any one spot for no more than about 90 seconds.",
        ],
        "image": "trigger-point-cane.svg",
        "image_alt": (
            "A clay-coloured cane bent into a question-mark hook, with round "
            "knobs along the shaft, on a sand background."
        ),
        "variants": [
            {"sku": "KW-TP-CNE", "label": "Standard", "price_cents": 3400,
             "compare_at_cents": None, "on_hand": 18, "weight_grams": 430},
        ],
    },
    {
        "slug": "massage-ball-single",
        "name": "Kneadwell Keystone Massage Ball",
        "kind": "tool",
        "category": "pressure-tools",
        "featured": False,
        "summary": (
            "A firm, solid rubber ball the size of a lacrosse ball for leaning "
            "into hips, shoulders and feet against a wall or the floor."
        ),
        "description": (
            "Simple and endlessly useful: the Keystone is a dense, solid "
            "rubber ball with a slightly grippy surface. Place it between your "
            "back and a wall, lean in and move slowly, or roll it under the "
            "sole of your foot while you sit. The firmness stays the same "
            "whether it is warm or cold, so what you feel today you will feel "
            "tomorrow.\n\n"
            "Because it barely squashes, the ball gives focused pressure. "
            "Standing against a wall is gentler than lying on the floor; start "
            "there and let your body weight decide the rest.\n\n"
            "- **Material:** solid natural rubber, matte finish\n"
            "- **Size:** 6.3 cm diameter\n"
            "- **Weight:** 145 g\n"
            "- **Care:** wipe with a damp cloth; store away from heat and "
            "direct sun to keep the surface from turning sticky\n\n"
            "Available in sage or clay."
        ),
        "warnings": [
            "Contains natural rubber latex; do not use if you have a latex allergy.",
            "Do not roll over the spine, bony prominences, the front or sides "
            "of the neck, bruises, varicose veins or recent injuries.",
            "Ask a clinician first if you are pregnant, take blood thinners or "
            "have diabetes with reduced foot sensation.",
            "Stop if pain increases or you feel numbness or tingling.",
            "Small enough to be a choking hazard for pets; keep away from "
            "young children and dogs.",
        ],
        "image": "massage-ball-single.svg",
        "image_alt": (
            "A single round matte ball in sage green with a soft shadow "
            "underneath, on a cream background."
        ),
        "variants": [
            {"sku": "KW-MB-SAG", "label": "Sage", "price_cents": 900,
             "compare_at_cents": None, "on_hand": 48, "weight_grams": 145},
            {"sku": "KW-MB-CLY", "label": "Clay", "price_cents": 900,
             "compare_at_cents": None, "on_hand": 41, "weight_grams": 145},
        ],
    },
    {
        "slug": "peanut-massage-ball",
        "name": "Kneadwell Twin Peak Peanut Ball",
        "kind": "tool",
        "category": "pressure-tools",
        "featured": False,
        "summary": (
            "Two firm rubber balls joined into a peanut shape, with a gap in "
            "the middle for rolling either side of the spine."
        ),
        "description": (
            "The Twin Peak is two Keystone-sized balls moulded together into "
            "one peanut shape. The groove in the middle lets the two halves sit "
            "either side of your spine, so the pressure lands on the muscles "
            "along your back rather than on the bones themselves.\n\n"
            "Lie on your back with the peanut under your upper back, knees "
            "bent and feet flat, then lift your hips slightly and roll slowly "
            "up and down a few centimetres at a time. It also works along the "
            "calves and under the feet while seated. A wall gives a softer "
            "option than the floor.\n\n"
            "- **Material:** solid natural rubber, lightly textured\n"
            "- **Size:** 16 x 7.5 cm\n"
            "- **Weight:** 340 g\n"
            "- **Care:** wipe with a damp cloth and mild soap; keep away from "
            "heat and direct sunlight"
        ),
        "warnings": [
            "Contains natural rubber latex; do not use if you have a latex allergy.",
            "Keep the central groove over the spine; never roll directly on "
            "the spine, the neck or other bony areas.",
            "Do not use over bruises, varicose veins, recent injuries or "
            "suspected fractures.",
            "Ask a clinician first if you are pregnant, have osteoporosis, take "
            "blood thinners or have a clotting disorder.",
            "Stop if pain increases or you feel numbness or tingling.",
        ],
        "image": "peanut-massage-ball.svg",
        "image_alt": (
            "A clay-coloured peanut-shaped double ball with a narrow waist in "
            "the middle, on a sand background."
        ),
        "variants": [
            {"sku": "KW-MB-PNT", "label": "Standard", "price_cents": 1600,
             "compare_at_cents": None, "on_hand": 1, "weight_grams": 340},
        ],
    },
    {
        "slug": "wooden-foot-roller",
        "name": "Kneadwell Archway Wooden Foot Roller",
        "kind": "tool",
        "category": "foot-care",
        "featured": False,
        "summary": (
            "A beechwood foot roller with three ridged wheels on a central "
            "axle, used seated to roll the soles and arches of both feet."
        ),
        "description": (
            "Slip off your shoes, sit down and roll. The Archway is a compact "
            "beechwood frame holding three ridged wooden wheels that turn "
            "freely on a steel axle. The outer wheels have deeper ridges for "
            "a firmer texture, the middle wheel has fine grooves for a gentler "
            "feel.\n\n"
            "Place it on the floor in front of your chair, rest one foot on "
            "top and roll slowly from heel to toes and back, letting the "
            "weight of your leg set the pressure. Stand up to press more, or "
            "sit back to press less. It is quiet enough to use under a desk.\n\n"
            "- **Material:** oiled European beechwood, stainless steel axle\n"
            "- **Size:** 20 x 9 x 6 cm\n"
            "- **Weight:** 290 g\n"
            "- **Care:** wipe with a barely damp cloth and let it air dry; "
            "never soak; rub in a drop of food-safe oil once a season"
        ),
        "warnings": [
            "Use seated first; only stand on the roller while holding a "
            "stable support, as it can slip on smooth floors.",
            "Do not use over broken skin, blisters, bruises, swelling or a "
            "recent foot or ankle injury.",
            "If you have diabetes with reduced foot sensation, or poor "
            "circulation in the feet, ask a clinician before use.",
            "Stop if pain increases or you notice numbness, tingling or "
            "burning in the foot.",
        ],
        "image": "wooden-foot-roller.svg",
        "image_alt": (
            "A light wooden frame holding three ridged wooden rollers side "
            "by side, seen from slightly above, on a sage background."
        ),
        "variants": [
            {"sku": "KW-FC-ROL", "label": "Beechwood", "price_cents": 1400,
             "compare_at_cents": None, "on_hand": 37, "weight_grams": 290},
        ],
    },
    {
        "slug": "spiky-massage-ball-set",
        "name": "Kneadwell Burr Spiky Ball Set",
        "kind": "tool",
        "category": "foot-care",
        "featured": False,
        "summary": (
            "Three spiky massage balls in soft, medium and firm, for rolling "
            "under the feet and along the forearms and calves."
        ),
        "description": (
            "The Burr set gives you three textured balls that differ in "
            "firmness, so you can pick the feel that suits the day. Each one "
            "is covered in rounded, blunt spikes that create a pointed, "
            "tingly texture as you roll.\n\n"
            "- The **soft** ball (sand) squashes easily and suits a first try "
            "or a sensitive sole.\n"
            "- The **medium** ball (sage) is an everyday choice under the foot "
            "or against a wall.\n"
            "- The **firm** ball (clay) keeps its shape under body weight.\n\n"
            "Sit with a ball under one foot and roll from heel to toes, or "
            "place it between your forearm and a table. The spikes also give a "
            "little extra grip on smooth floors.\n\n"
            "- **Material:** PVC-free thermoplastic elastomer, latex-free\n"
            "- **Size:** 7 cm diameter each\n"
            "- **Weight:** 210 g for the set\n"
            "- **Care:** wash in warm soapy water, rinse and air dry"
        ),
        "warnings": [
            "Do not use over broken skin, blisters, bruises, varicose veins or "
            "a recent injury.",
            "If you have diabetes with reduced foot sensation or poor "
            "circulation, ask a clinician before rolling the feet.",
            "Do not stand with full body weight on a ball; use it seated or "
            "hold on to a stable support.",
            "Stop if pain increases or you feel numbness or tingling.",
            "Not a toy: keep away from young children and pets.",
        ],
        "image": "spiky-massage-ball-set.svg",
        "image_alt": (
            "Three round spiky balls in sand, sage and clay colours sitting "
            "in a row, on a cream background."
        ),
        "variants": [
            {"sku": "KW-FC-SPK", "label": "Set of 3", "price_cents": 1200,
             "compare_at_cents": 1600, "on_hand": 52, "weight_grams": 210},
        ],
    },
    {
        "slug": "plantar-night-splint",
        "name": "Kneadwell Nightrest Foot Splint",
        "kind": "accessory",
        "category": "foot-care",
        "featured": True,
        "summary": (
            "A padded, adjustable night splint that holds the foot at a gentle "
            "upward angle while you rest. Sizes S, M and L."
        ),
        "description": (
            "The Nightrest is a lightweight splint worn on the lower leg and "
            "foot while you sleep or rest. A rigid, padded shell sits behind "
            "the calf and under the sole, and three soft-edged straps hold it "
            "in place. Two adjustable front straps let you set how far the "
            "toes are drawn upward, from neutral to a gentle upward angle.\n\n"
            "The liner is a breathable knit over foam, and it lifts out for "
            "washing. A non-slip tread under the sole makes it steadier if you "
            "need to get up in the night, although it is not made for "
            "walking.\n\n"
            "Start with short periods and a neutral angle, and check your skin "
            "after each use.\n\n"
            "- **Material:** polypropylene shell, foam and knit liner, hook-and-loop straps\n"
            "- **Sizes:** S (women's US 4-7 / men's 3-6), M (women's 7.5-10 / "
            "men's 6.5-9), L (women's 10.5-13 / men's 9.5-12)\n"
            "- **Weight:** 340-420 g depending on size\n"
            "- **Care:** hand wash the liner in cool water and air dry; wipe "
            "the shell with a damp cloth\n\n"
            "Fits either the left or the right leg."
        ),
        "warnings": [
            "Remove the splint and stop using it if you feel numbness, "
            "tingling, coldness, or see red marks or skin changes.",
            "Do not use if you have diabetic neuropathy, poor circulation or "
            "a vascular condition unless a clinician has advised it.",
            "Do not wear it over broken skin, wounds, blisters or swelling.",
            "Straps should be snug, not tight; you should be able to slide a "
            "finger under each one.",
            "Not designed for walking; take it off before standing for more "
            "than a few steps.",
        ],
        "image": "plantar-night-splint.svg",
        "image_alt": (
            "An L-shaped padded boot-like splint in sage with three cream "
            "straps across the shin and foot, on a sand background."
        ),
        "variants": [
            {"sku": "KW-NS-SML", "label": "Small", "price_cents": 4400,
             "compare_at_cents": None, "on_hand": 14, "weight_grams": 340},
            {"sku": "KW-NS-MED", "label": "Medium", "price_cents": 4400,
             "compare_at_cents": None, "on_hand": 22, "weight_grams": 380},
            {"sku": "KW-NS-LRG", "label": "Large", "price_cents": 4400,
             "compare_at_cents": None, "on_hand": 3, "weight_grams": 420},
        ],
    },
    {
        "slug": "foam-roller",
        "name": "Kneadwell Groundwork Foam Roller",
        "kind": "tool",
        "category": "rollers",
        "featured": True,
        "summary": (
            "A medium-firm closed-cell foam roller in 45 cm and 90 cm lengths "
            "for rolling the legs, hips and upper back on the floor."
        ),
        "description": (
            "Groundwork is a smooth, medium-firm foam roller made from "
            "closed-cell EVA foam. It keeps its round shape with daily use, "
            "does not soak up sweat, and has a fine surface texture that grips "
            "a mat without catching on clothes.\n\n"
            "The **45 cm** length is compact enough to take to the gym and is "
            "ideal for calves, thighs and hips one side at a time. The **90 cm** "
            "length is long enough to lie on along the spine for chest-opening "
            "positions, and wide enough to roll both legs at once.\n\n"
            "Support your weight with your hands and feet, roll slowly over a "
            "short section, and pause where you like. Moving slowly gives you "
            "time to adjust how much body weight you let onto the roller.\n\n"
            "- **Material:** closed-cell EVA foam, medium density\n"
            "- **Size:** 15 cm diameter; 45 cm or 90 cm long\n"
            "- **Weight:** 450 g (45 cm), 880 g (90 cm)\n"
            "- **Care:** wipe with a damp cloth and mild soap; store lying "
            "flat, away from radiators"
        ),
        "warnings": [
            "Do not roll directly over the spine, the neck, the front of the "
            "hips or the back of the knee.",
            "Avoid bruises, varicose veins, recent injuries and suspected fractures.",
            "Ask a clinician first if you are pregnant, have osteoporosis, take "
            "blood thinners or have a clotting disorder.",
            "Stop if pain increases or you notice numbness or tingling.",
            "Use on a flat, non-slip surface and keep your hands or feet on "
            "the floor for balance.",
        ],
        "image": "foam-roller.svg",
        "image_alt": (
            "A sage-green foam cylinder lying on its side with its round end "
            "facing the viewer, on a cream background."
        ),
        "variants": [
            {"sku": "KW-FR-045", "label": "45 cm", "price_cents": 2900,
             "compare_at_cents": 3500, "on_hand": 29, "weight_grams": 450},
            {"sku": "KW-FR-090", "label": "90 cm", "price_cents": 4500,
             "compare_at_cents": None, "on_hand": 16, "weight_grams": 880},
        ],
    },
    # ------------------------------------------------------------------- oils
    {
        "slug": "warming-massage-oil",
        "name": "Kneadwell Ember Warming Massage Oil",
        "kind": "oil",
        "category": "oils",
        "featured": True,
        "summary": (
            "A sweet almond massage oil with ginger and black pepper that "
            "gives a gentle sense of warmth and a smooth, long-lasting glide."
        ),
        "description": (
            "Ember is our warming blend. A base of sweet almond oil gives a "
            "silky, unhurried glide that suits hands and tools alike, while "
            "small amounts of ginger root and black pepper essential oils add "
            "a gentle feeling of warmth on the skin a minute or two after you "
            "apply it. The scent is spicy and woody, not sweet.\n\n"
            "Pour a small amount into your palm, rub your hands together and "
            "spread it thinly over the area. A little goes a long way: a "
            "teaspoon covers both calves. Wipe any excess away with a towel "
            "when you are done.\n\n"
            "- **Ingredients:** sweet almond oil (Prunus amygdalus dulcis), "
            "ginger root oil, black pepper oil, vitamin E (tocopherol)\n"
            "- **Sizes:** 50 ml, 100 ml, 250 ml amber glass bottles\n"
            "- **Shelf life:** 12 months after opening\n"
            "- **Storage:** cap tightly, keep in a cool, dark place\n\n"
            "Oil can mark fabrics; use an old towel underneath."
        ),
        "warnings": [
            "For external use only. Do not swallow.",
            "Contains sweet almond oil (a tree nut). Do not use if you have a "
            "tree nut or almond allergy.",
            "Patch test first: apply a small amount to the inner forearm and "
            "wait 24 hours; do not use if redness, itching or swelling appears.",
            "Do not use with heat packs, heating pads, saunas or hot baths, as "
            "the warming sensation can become too strong.",
            "Keep away from eyes, mucous membranes and broken or irritated "
            "skin. Wash your hands well after use.",
            "Keep out of reach of children. Not for use on children.",
            "Contains limonene and linalool, fragrance allergens found naturally in the ginger and black "
            "pepper oils. Patch test first if fragrance has irritated your skin before.",
        ],
        # (INCI name, common name, percent or None): INCI names are facts, the common names our words.
        "ingredients": [
            ("Prunus Amygdalus Dulcis Oil", "Sweet almond oil", None),
            ("Zingiber Officinale Root Oil", "Ginger root oil", "1.5"),
            ("Piper Nigrum Fruit Oil", "Black pepper oil", "1"),
            ("Tocopherol", "Vitamin E", "0.5"),
            ("Limonene", "Part of the essential oils' own scent", None),
            ("Linalool", "Part of the essential oils' own scent", None),
        ],
        "image": "warming-massage-oil.svg",
        "image_alt": (
            "An amber glass bottle with a black cap and a cream label reading "
            "Ember, next to a small clay-coloured flame shape."
        ),
        "variants": [
            {"sku": "KW-WO-050", "label": "50 ml", "price_cents": 1200,
             "compare_at_cents": None, "on_hand": 44, "weight_grams": 130},
            {"sku": "KW-WO-100", "label": "100 ml", "price_cents": 1900,
             "compare_at_cents": None, "on_hand": 38, "weight_grams": 220},
            {"sku": "KW-WO-250", "label": "250 ml", "price_cents": 3400,
             "compare_at_cents": None, "on_hand": 12, "weight_grams": 480},
        ],
    },
    {
        "slug": "arnica-massage-oil",
        "name": "Kneadwell Meadow Arnica Massage Oil",
        "kind": "oil",
        "category": "oils",
        "featured": False,
        "summary": (
            "Arnica flowers steeped in sunflower oil for a light, fast-"
            "absorbing glide with a soft herbal scent."
        ),
        "description": (
            "Meadow is made the slow way: dried arnica flowers are steeped in "
            "high-oleic sunflower oil for several weeks, then strained and "
            "bottled. The result is a light, golden oil that spreads easily "
            "and sinks in faster than heavier blends, leaving the skin soft "
            "rather than slick. The scent is mild, green and a little "
            "hay-like.\n\n"
            "It is a good choice for hand massage and for shorter sessions "
            "with a gua sha board, when you want glide without a greasy "
            "finish. Warm a few drops between your palms and spread thinly.\n\n"
            "- **Ingredients:** sunflower seed oil (Helianthus annuus), arnica "
            "flower extract (Arnica montana), vitamin E (tocopherol)\n"
            "- **Sizes:** 50 ml and 100 ml amber glass bottles\n"
            "- **Shelf life:** 12 months after opening\n"
            "- **Storage:** cool, dark cupboard, cap closed\n\n"
            "Nut-free. Contains no added fragrance."
        ),
        "warnings": [
            "For external use only. Never swallow; arnica is not safe to take "
            "by mouth.",
            "Do not apply to broken, cut or irritated skin.",
            "Do not use if you are allergic to plants of the daisy family "
            "(Asteraceae), such as arnica, sunflower, chamomile or marigold.",
            "If you are pregnant or breastfeeding, ask a clinician before use.",
            "Patch test on the inner forearm and wait 24 hours before wider "
            "use. Avoid eyes and mucous membranes.",
            "Keep out of reach of children.",
        ],
        "ingredients": [
            ("Helianthus Annuus Seed Oil", "Sunflower seed oil", None),
            ("Arnica Montana Flower Extract", "Arnica flowers steeped in the oil", None),
            ("Tocopherol", "Vitamin E", "0.5"),
        ],
        "image": "arnica-massage-oil.svg",
        "image_alt": (
            "A slim amber bottle with a cream label reading Meadow, beside a "
            "simple yellow daisy-like flower."
        ),
        "variants": [
            {"sku": "KW-AO-050", "label": "50 ml", "price_cents": 1400,
             "compare_at_cents": None, "on_hand": 27, "weight_grams": 130},
            {"sku": "KW-AO-100", "label": "100 ml", "price_cents": 2200,
             "compare_at_cents": None, "on_hand": 3, "weight_grams": 220},
        ],
    },
    {
        "slug": "unscented-carrier-oil",
        "name": "Kneadwell Plain Glide Carrier Oil",
        "kind": "oil",
        "category": "oils",
        "featured": False,
        "summary": (
            "Unscented fractionated coconut oil that stays liquid, washes out "
            "easily and gives tools a clean, even glide."
        ),
        "description": (
            "Plain Glide is exactly that: fractionated coconut oil and nothing "
            "else. It is clear, odourless and stays liquid even in a cool "
            "room, so it pours straight from the bottle. It feels light on the "
            "skin and gives steel and stone tools a steady, even glide without "
            "dragging.\n\n"
            "Choose it when you want no scent at all, when you are sharing a "
            "tool with someone who prefers fragrance-free products, or as a "
            "base if you like to blend your own. It rinses out of most "
            "towels more easily than heavier oils.\n\n"
            "- **Ingredients:** caprylic/capric triglyceride (fractionated "
            "coconut oil)\n"
            "- **Sizes:** 100 ml and 250 ml PET bottles with flip cap\n"
            "- **Shelf life:** 24 months after opening\n"
            "- **Storage:** room temperature, away from direct sunlight\n\n"
            "Fits the Kneadwell Drip-Free Pump."
        ),
        "warnings": [
            "For external use only. Do not swallow.",
            "Derived from coconut. Do not use if you have a coconut allergy.",
            "Patch test on the inner forearm and wait 24 hours before first use.",
            "Keep away from eyes, mucous membranes and broken skin.",
            "Oily floors and tubs are slippery; wipe up spills straight away.",
            "Keep out of reach of children.",
        ],
        "ingredients": [
            ("Caprylic/Capric Triglyceride", "Fractionated coconut oil", "100"),
        ],
        "image": "unscented-carrier-oil.svg",
        "image_alt": (
            "A clear bottle of pale oil with a sage flip cap and a cream "
            "label reading Plain Glide, on a sand background."
        ),
        "variants": [
            {"sku": "KW-CO-100", "label": "100 ml", "price_cents": 1000,
             "compare_at_cents": None, "on_hand": 58, "weight_grams": 120},
            {"sku": "KW-CO-250", "label": "250 ml", "price_cents": 1800,
             "compare_at_cents": None, "on_hand": 31, "weight_grams": 280},
        ],
    },
    # ------------------------------------------------------------ accessories
    {
        "slug": "hot-cold-gel-pack",
        "name": "Kneadwell Tide Hot & Cold Gel Pack",
        "kind": "accessory",
        "category": "accessories",
        "featured": False,
        "summary": (
            "A reusable flexible gel pack with a soft fleece cover that can "
            "be chilled in the freezer or warmed in hot water or a microwave."
        ),
        "description": (
            "The Tide pack is a flat, flexible pouch of non-toxic gel that "
            "stays pliable when frozen, so it drapes over a shoulder, knee or "
            "the sole of the foot instead of sitting on top like a brick. It "
            "comes with a soft fleece cover with an elastic strap.\n\n"
            "**For cold:** lay the pack flat in the freezer for at least two "
            "hours. **For warmth:** place it in a bowl of hot (not boiling) "
            "water for 5 minutes, or microwave it for 20 seconds at a time, "
            "up to a maximum of 60 seconds at 800 W, kneading in between. "
            "Always check the temperature on the inside of your wrist.\n\n"
            "Use it on its own, not together with warming oils.\n\n"
            "- **Material:** nylon-PVC outer film, glycerine-based gel, "
            "polyester fleece cover\n"
            "- **Size:** 28 x 14 cm\n"
            "- **Weight:** 500 g\n"
            "- **Care:** wipe the pack clean; wash the cover at 30 °C"
        ),
        "warnings": [
            "Never place the pack directly on the skin; always use the cover "
            "or wrap it in a cloth.",
            "Limit each use to 15-20 minutes and check the skin often.",
            "Not for people with reduced skin sensation, diabetes with "
            "neuropathy, circulation problems or cold sensitivity.",
            "Do not microwave beyond the stated time (60 seconds total at "
            "800 W); overheated gel can burn or split the pack.",
            "Do not use if the pack is punctured or leaking. Do not combine "
            "with warming massage oils.",
        ],
        "image": "hot-cold-gel-pack.svg",
        "image_alt": (
            "A rounded rectangular gel pack, half clay-coloured and half pale "
            "blue, with a small snowflake and a small sun shape."
        ),
        "variants": [
            {"sku": "KW-AC-GEL", "label": "Standard", "price_cents": 1500,
             "compare_at_cents": None, "on_hand": 40, "weight_grams": 500},
        ],
    },
    {
        "slug": "tool-travel-pouch",
        "name": "Kneadwell Roll-Up Tool Pouch",
        "kind": "accessory",
        "category": "accessories",
        "featured": False,
        "summary": (
            "A waxed canvas roll-up pouch with four slots that keeps steel "
            "and stone tools apart and protected in a gym bag."
        ),
        "description": (
            "Tools knock against each other in a bag, and stone chips. The "
            "Roll-Up pouch gives each one its own felt-lined slot: two wide "
            "slots for boards and edges, one narrow slot for a small tool, "
            "and a zipped pocket for a 50 ml bottle of oil or a massage ball.\n\n"
            "Roll it up, wrap the leather-look cord twice around and it tucks "
            "into a backpack side pocket. The outer canvas is waxed to shrug "
            "off a splash of oil, and the felt lining is removable for "
            "washing.\n\n"
            "- **Material:** waxed cotton canvas, wool-blend felt lining, "
            "vegan cord tie\n"
            "- **Size:** 30 x 22 cm open, 22 x 8 cm rolled\n"
            "- **Weight:** 150 g\n"
            "- **Care:** spot clean the canvas; hand wash the felt lining in "
            "cool water and dry flat"
        ),
        "warnings": [
            "Let oiled tools dry or wipe them before storing to keep the felt "
            "lining from soaking up oil.",
            "Keep the closed pouch away from open flames; waxed canvas can "
            "burn.",
            "The cord tie is a strangulation hazard for small children; store "
            "out of their reach.",
        ],
        "image": "tool-travel-pouch.svg",
        "image_alt": (
            "An open canvas pouch in sand colour with three slots holding a "
            "steel tool and a green stone board, and a tie cord at one side."
        ),
        "variants": [
            {"sku": "KW-AC-PCH", "label": "Sand canvas", "price_cents": 1900,
             "compare_at_cents": None, "on_hand": 23, "weight_grams": 150},
        ],
    },
    {
        "slug": "oil-pump-dispenser",
        "name": "Kneadwell Drip-Free Oil Pump",
        "kind": "accessory",
        "category": "accessories",
        "featured": False,
        "summary": (
            "A lockable pump top that screws onto Kneadwell 250 ml bottles "
            "and measures out about 1 ml of oil per press."
        ),
        "description": (
            "Pouring oil with slippery hands is how towels get ruined. The "
            "Drip-Free pump replaces the cap on any Kneadwell 250 ml bottle "
            "and gives roughly 1 ml per full press, which is about right for "
            "one forearm or one calf.\n\n"
            "A twist lock keeps it closed in a bag, and a short valve stops "
            "the last drop running down the side of the bottle. The dip tube "
            "can be trimmed with scissors to suit other bottles of a similar "
            "height. Keep one pump per oil so scents and ingredients stay "
            "separate.\n\n"
            "- **Material:** polypropylene body, stainless steel spring, "
            "silicone valve\n"
            "- **Size:** 24 mm neck (24/410 thread), 22 cm dip tube\n"
            "- **Weight:** 25 g\n"
            "- **Care:** pump warm water through it after each bottle; let it "
            "dry before refitting"
        ),
        "warnings": [
            "Check that the pump is locked before packing it in a bag.",
            "Contains small parts; keep out of reach of children.",
            "Clean the pump between different oils so ingredients, including "
            "nut oils, do not mix with an unscented or nut-free oil.",
        ],
        "image": "oil-pump-dispenser.svg",
        "image_alt": (
            "A white pump top with a curved nozzle and a long clear dip tube, "
            "standing upright on a sage background."
        ),
        "variants": [
            {"sku": "KW-AC-PMP", "label": "24 mm", "price_cents": 900,
             "compare_at_cents": None, "on_hand": 0, "weight_grams": 25},
        ],
    },
]

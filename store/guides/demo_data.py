"""Demo educational guides for the Kneadwell store.

Pure data. Guide text is general education, hedged, and points readers to a
clinician for diagnosis. References are limited to a short, checked list and
are framed neutrally ("studies have looked at ..."): the guides do not claim
what those papers concluded.
"""

_REF_JUCHLI = {
    "citation": "Juchli L. 2021. Int J Ther Massage Bodywork 14(2):22-29.",
    "pmid": "34079601",
    "doi": None,
    "journal": "International Journal of Therapeutic Massage & Bodywork",
    "year": 2021,
}
_REF_AJIMSHA = {
    "citation": "Ajimsha MS, et al. 2014. Foot (Edinb) 24(2):66-71.",
    "pmid": "24703512",
    "doi": "10.1016/j.foot.2014.03.005",
    "title": "Effectiveness of myofascial release in the management of plantar heel pain: a randomized controlled trial",
    "journal": "The Foot",
    "year": 2014,
}
_REF_ALFUTH = {
    "citation": "Alfuth M. 2024. J Man Manip Ther 32(5):548-556.",
    "pmid": "38448397",
    "doi": "10.1080/10669817.2024.2325186",
    "journal": "Journal of Manual & Manipulative Therapy",
    "year": 2024,
}


GUIDES = [
    # ------------------------------------------------------------------ 1
    {
        "slug": "self-massage-for-plantar-fasciitis",
        "title": "Self-massage for plantar fasciitis: a gentle at-home routine",
        "summary": (
            "What plantar fasciitis is, why mornings can feel worst, and a "
            "step-by-step self-massage routine for the foot and calf that you "
            "can do at home."
        ),
        "tags": ["plantar fasciitis", "feet", "heels", "calves", "self-massage"],
        "hero_image": "self-massage-for-plantar-fasciitis.svg",
        "hero_alt": (
            "Illustration of a bare foot resting on a wooden foot roller, with "
            "a curved line tracing the arch from heel to toes."
        ),
        "reviewed_by": "Reviewed by the Kneadwell education team",
        "body": (
            "Under the skin of your sole runs a thick, tough band of tissue, "
            "the plantar fascia. It starts at the heel bone, fans out along "
            "the arch and attaches near the base of the toes, helping the foot "
            "keep its shape every time you step. **Plantar fasciitis** is the "
            "name for irritation of this band.\n\n"
            "## How it tends to feel\n\n"
            "The best-known sign is a sharp pain in the heel with the first "
            "few steps out of bed, or when you stand up after sitting for a "
            "while. It often eases once you get moving, then creeps back after "
            "a long day on your feet. Some people feel it more along the "
            "inside of the heel, others further into the arch.\n\n"
            "## What can contribute\n\n"
            "There is rarely a single cause. Common contributors include:\n\n"
            "- a sudden increase in walking, running or standing\n"
            "- shoes with little cushioning or arch support\n"
            "- flat feet or high arches\n"
            "- tight calf muscles and a stiff Achilles area\n"
            "- higher body weight, and simply getting older\n\n"
            "## Where self-massage fits\n\n"
            "Self-massage is not a fix on its own, but it is an easy thing to "
            "add to the plan you have agreed with your doctor or physical "
            "therapist. Studies have looked at massage and myofascial "
            "approaches for heel and arch complaints (see the references "
            "below), and some people find that regular, gentle work on the "
            "sole and calf may help the foot feel less tight and make the "
            "first steps of the day easier.\n\n"
            "The routine below takes 10 to 15 minutes. Warm up first, use oil "
            "so the tools glide rather than drag, and build pressure slowly. "
            "Expect to keep at it for weeks rather than days; consistency "
            "matters more than intensity. If you have not had your heel "
            "checked yet, do that first: several other problems can cause "
            "heel pain and need different care."
        ),
        "steps": [
            {
                "title": "Warm the foot",
                "body": (
                    "Start with 5 to 10 minutes of warmth and movement. A warm "
                    "(not hot) foot soak works well, or sit and trace slow "
                    "circles with your ankle, curl and spread your toes, and "
                    "gently pull your toes back toward your shin. The aim is "
                    "to arrive at the massage with a foot that already feels "
                    "a little looser. Dry your foot thoroughly afterwards so "
                    "you do not slip when you stand."
                ),
                "products": [],
            },
            {
                "title": "Roll the sole",
                "body": (
                    "Sitting down, place a foot roller or a soft spiky ball "
                    "under your foot and roll slowly from the heel to the ball "
                    "of the foot and back for about two minutes. Let the "
                    "weight of your leg set the pressure; lean forward a "
                    "little if you want more. Keep the pace slow and spend a "
                    "few extra passes on any area that feels tight, as long "
                    "as it stays comfortable."
                ),
                "products": ["wooden-foot-roller", "spiky-massage-ball-set"],
            },
            {
                "title": "Oil, then long strokes along the arch",
                "body": (
                    "Spread a few drops of unscented oil over the sole. Hold "
                    "the steel edge at a shallow angle and draw it in long, "
                    "slow strokes from the heel toward the toes, following "
                    "the arch. Begin very lightly and add pressure gradually "
                    "over several passes. Work the inner, middle and outer "
                    "lines of the arch for two to three minutes in total. "
                    "Avoid pressing directly into the bony point of the heel."
                ),
                "products": ["unscented-carrier-oil", "steel-fascia-tool"],
            },
            {
                "title": "Include the calf and Achilles area",
                "body": (
                    "The calf muscles connect to the heel through the Achilles "
                    "tendon, so give them attention too. Roll the back of the "
                    "lower leg on a foam roller, crossing one leg over the "
                    "other for more pressure, or use the curved edge of the "
                    "steel tool with oil in upward strokes from ankle to knee. "
                    "Around the Achilles itself, use only light, gliding "
                    "strokes to the sides of the tendon, never hard pressure."
                ),
                "products": ["foam-roller", "steel-fascia-tool"],
            },
            {
                "title": "Finish with a ball and a stretch",
                "body": (
                    "Place a firm massage ball under the arch and rest your "
                    "foot on it for 30 to 60 seconds at a time, moving it to "
                    "two or three spots. Then stand facing a wall, step one "
                    "foot back and bend the front knee until you feel a "
                    "gentle stretch in the back calf. Hold for about 30 "
                    "seconds, repeat twice on each side and breathe slowly "
                    "throughout."
                ),
                "products": ["massage-ball-single"],
            },
            {
                "title": "Make it a habit, and ask about nights",
                "body": (
                    "Once a day is plenty; many people like a short version "
                    "before the first steps in the morning and the full "
                    "routine in the evening. Keep a simple note of how your "
                    "first steps feel each day so you can see trends over "
                    "weeks. If mornings stay difficult, ask your clinician "
                    "whether a night splint, which holds the foot gently "
                    "flexed while you sleep, makes sense for you."
                ),
                "products": ["plantar-night-splint"],
            },
        ],
        "faqs": [
            {
                "question": "How hard should I press?",
                "answer": (
                    "Firm enough to feel the tissue, light enough that you can "
                    "breathe normally and stay relaxed. On a scale of 0 to 10, "
                    "aim for a comfortable 3 or 4. If you find yourself "
                    "holding your breath, curling your toes or wincing, ease "
                    "off. Sore afterwards for more than a day means the "
                    "session was too strong."
                ),
            },
            {
                "question": "How long until I notice a difference?",
                "answer": (
                    "It varies a lot from person to person. Irritated foot "
                    "tissue usually settles over weeks or months, not days, "
                    "and self-massage is only one part of the picture along "
                    "with footwear, load and stretching. If nothing has "
                    "changed after a few weeks, or things are getting worse, "
                    "check back in with a clinician."
                ),
            },
            {
                "question": "Can I use the warming oil for this routine?",
                "answer": (
                    "You can on days without a warm soak, but do not combine "
                    "a warming oil with a hot soak, heat pack or hot water "
                    "bottle, as the warmth can build up on the skin. With a "
                    "soak, an unscented oil is the simpler choice. Always "
                    "patch test a new oil first."
                ),
            },
        ],
        "references": [_REF_JUCHLI, _REF_AJIMSHA, _REF_ALFUTH],
        "clinician_note": (
            "Stop the routine and see a doctor or physical therapist if you "
            "notice any of the following:\n\n"
            "- heel pain that began after a fall, jump or other injury\n"
            "- you cannot put weight on the foot, or you are limping badly\n"
            "- swelling, redness, heat or bruising around the heel\n"
            "- numbness, tingling, burning or pins and needles in the foot\n"
            "- pain at night or at rest that does not ease with movement\n"
            "- fever or feeling unwell along with foot pain\n"
            "- diabetes, poor circulation or any foot wound\n"
            "- no improvement after a few weeks of consistent self-care"
        ),
        "products": [
            "wooden-foot-roller",
            "spiky-massage-ball-set",
            "unscented-carrier-oil",
            "steel-fascia-tool",
            "foam-roller",
            "massage-ball-single",
            "plantar-night-splint",
        ],
        "ask_clinician": {
            "plantar-night-splint": (
                "Step 6 suggests asking your clinician whether a night splint suits you before you buy one: "
                "it is not right for everyone with heel pain."
            ),
        },
    },
    # ------------------------------------------------------------------ 2
    {
        "slug": "massage-styles-and-the-tools-that-suit-them",
        "title": "Which massage style suits which tool?",
        "summary": (
            "A plain-language tour of six massage styles, from tool-assisted "
            "fascia work to gua sha, and the Kneadwell tools that fit each "
            "one at home."
        ),
        "tags": ["massage styles", "tools", "myofascial release", "trigger points",
                 "gua sha", "reflexology"],
        "hero_image": "massage-styles-and-the-tools-that-suit-them.svg",
        "hero_alt": (
            "Flat illustration of a steel edge tool, a gua sha board, a hooked "
            "cane, a foam roller and a massage ball arranged in a row."
        ),
        "reviewed_by": "Reviewed by the Kneadwell education team",
        "body": (
            "Massage is not one thing. Different traditions and techniques "
            "use different speeds, depths and shapes of contact, and the tool "
            "you pick changes the feel of a session as much as the pressure "
            "does. This guide matches six common styles with the tools that "
            "suit them, so you can choose on purpose rather than by habit.\n\n"
            "## Speed, depth and contact\n\n"
            "Three questions help sort the styles out:\n\n"
            "- **How fast?** Long gliding strokes, slow sustained holds, or "
            "something in between.\n"
            "- **How deep?** Skin-level glide, firm pressure into muscle, or "
            "a single focused point.\n"
            "- **What shape of contact?** A broad surface such as a roller, an "
            "edge such as a steel tool, or a point such as a ball or knob.\n\n"
            "Broad surfaces spread pressure and feel gentler. Edges let you "
            "glide over oiled skin with a clear sense of texture. Points "
            "concentrate force into a small spot, so a little body weight "
            "goes a long way.\n\n"
            "## A note on evidence\n\n"
            "Researchers have studied several of these approaches, for "
            "example myofascial release for heel complaints, and massage in "
            "general practice settings (see the references). The research is "
            "still developing and results vary between people. Treat the "
            "descriptions below as a guide to what each style involves and "
            "how it feels, not as a promise of any particular result.\n\n"
            "## Before you start\n\n"
            "Whatever the style, start lighter than you think you need, avoid "
            "bony areas and the front and sides of the neck, and skip any area "
            "with a bruise, wound, varicose vein or recent injury. If you have "
            "a health condition, are pregnant or take blood thinners, check "
            "with a clinician first."
        ),
        "steps": [
            {
                "title": "Tool-assisted fascia work: use a steel edge",
                "body": (
                    "This style uses a smooth, rigid edge drawn across oiled "
                    "skin in short or long strokes, usually in one direction. "
                    "The rigid edge lets you feel texture under the skin and "
                    "keeps pressure even. Hold the tool at a shallow angle, "
                    "use light pressure and keep each area to a minute or two. "
                    "Mild pinkness is common; stop before the skin turns "
                    "blotchy or sore."
                ),
                "products": ["steel-fascia-tool", "unscented-carrier-oil"],
            },
            {
                "title": "Deep tissue work: use a roller and body weight",
                "body": (
                    "Deep tissue massage uses slow, firm strokes that sink "
                    "gradually into larger muscles. At home, a foam roller "
                    "does this well because you control depth by shifting how "
                    "much weight you let onto it. Roll slowly, an inch or two "
                    "per second, over the thighs, calves and upper back. Keep "
                    "breathing evenly; deep does not have to mean painful."
                ),
                "products": ["foam-roller"],
            },
            {
                "title": "Trigger point work: use a cane or a firm ball",
                "body": (
                    "Trigger point work focuses on small, tender spots within "
                    "a muscle, holding steady pressure on each for a short "
                    "time. A hooked cane reaches the upper back and shoulders "
                    "without a partner, and a firm ball against a wall suits "
                    "the hips. Press until you feel a clear but tolerable "
                    "sensation, hold for 30 to 90 seconds, then release and "
                    "move on."
                ),
                "products": ["trigger-point-cane", "massage-ball-single"],
            },
            {
                "title": "Myofascial release: slow, sustained pressure",
                "body": (
                    "Myofascial release is about time rather than force. You "
                    "apply gentle, sustained pressure or a slow stretch and "
                    "wait, often for a minute or more, letting the tissue "
                    "soften before you move. A peanut ball either side of the "
                    "spine or a foam roller under the calf works well here. "
                    "Avoid rubbing back and forth; stillness is the point."
                ),
                "products": ["peanut-massage-ball", "foam-roller"],
            },
            {
                "title": "Reflexology-style foot work: rollers and textured balls",
                "body": (
                    "Reflexology is a practice of pressing specific areas of "
                    "the feet and hands. Its claims about links to other parts "
                    "of the body are not well supported, but many people "
                    "simply enjoy careful foot work. A wooden foot roller or "
                    "a spiky ball lets you explore the sole systematically, "
                    "from heel to toes, while seated."
                ),
                "products": ["wooden-foot-roller", "spiky-massage-ball-set"],
            },
            {
                "title": "Gua sha: a smooth board and plenty of glide",
                "body": (
                    "Gua sha comes from traditional Chinese practice and uses "
                    "a smooth-edged board stroked repeatedly over oiled skin. "
                    "Traditional body gua sha can leave temporary red marks; "
                    "a lighter home version keeps strokes gentle so the skin "
                    "only flushes slightly. Use a stone board for a cool, "
                    "weighty feel or a steel board for a thinner edge, always "
                    "with oil."
                ),
                "products": ["gua-sha-stone-board", "gua-sha-steel-board",
                             "arnica-massage-oil"],
            },
        ],
        "faqs": [
            {
                "question": "Do I need a different tool for every style?",
                "answer": (
                    "No. A steel edge, a foam roller and one firm ball cover "
                    "most home routines between them. Add a cane if you want "
                    "to reach your upper back alone, a gua sha board if you "
                    "like slower skin-level strokes, and a foot roller if your "
                    "feet are the main focus."
                ),
            },
            {
                "question": "Is it normal to see red marks after scraping or gua sha?",
                "answer": (
                    "A light pink flush that fades within an hour is common. "
                    "Strong, dark or spotty marks mean you pressed harder or "
                    "longer than a home session needs. Ease off next time, and "
                    "do not repeat on the same area until the skin has fully "
                    "settled. Never scrape skin that is broken or bruised."
                ),
            },
        ],
        "references": [_REF_AJIMSHA, _REF_JUCHLI],
        "clinician_note": (
            "Stop and speak with a clinician if any of these apply:\n\n"
            "- pain that gets worse during or after a session\n"
            "- numbness, tingling or weakness in an arm or leg\n"
            "- a hot, swollen, red or tender calf, which needs urgent checking\n"
            "- marks or bruises that appear easily or last more than a week\n"
            "- pain after a fall, accident or sports injury\n"
            "- pregnancy, a clotting disorder, blood thinners, cancer "
            "treatment or osteoporosis"
        ),
        "products": [
            "steel-fascia-tool",
            "unscented-carrier-oil",
            "foam-roller",
            "trigger-point-cane",
            "massage-ball-single",
            "peanut-massage-ball",
            "wooden-foot-roller",
            "spiky-massage-ball-set",
            "gua-sha-stone-board",
            "gua-sha-steel-board",
            "arnica-massage-oil",
        ],
    },
    # ------------------------------------------------------------------ 3
    {
        "slug": "dry-needling-explained-and-home-care",
        "title": "Dry needling explained, and how to look after yourself between sessions",
        "summary": (
            "What happens in a dry needling session for the foot and calf, "
            "what it feels like, and simple home care between appointments. "
            "Not a do-it-yourself technique."
        ),
        "tags": ["dry needling", "physical therapy", "feet", "calves", "recovery"],
        "hero_image": "dry-needling-explained-and-home-care.svg",
        "hero_alt": (
            "Illustration of a lower leg and foot resting on a folded towel, "
            "with a small calendar and a gel pack beside it."
        ),
        "reviewed_by": "Reviewed by the Kneadwell education team",
        "body": (
            "Dry needling is a clinical procedure carried out by a trained "
            "and licensed practitioner, most often a physical therapist. It "
            "is **never** something to try on yourself or on anyone else, "
            "and Kneadwell does not sell needles. This guide explains what "
            "the procedure involves so you know what to expect, then focuses "
            "on the part you can do: looking after yourself between "
            "appointments.\n\n"
            "## What happens in a session\n\n"
            "After assessing you, the therapist inserts very fine, sterile, "
            "single-use needles through the skin into specific spots in a "
            "muscle, often called trigger points. For heel and arch "
            "complaints these may be in the small muscles of the foot or in "
            "the calf. It is called *dry* because nothing is injected: the "
            "needle itself is the whole technique. The needles are usually "
            "left in for a short time or moved gently, then removed and "
            "disposed of.\n\n"
            "## What it feels like\n\n"
            "The insertion itself is often barely noticeable. When the needle "
            "reaches a sensitive spot, many people feel a deep ache, a brief "
            "cramp-like feeling or a quick twitch in the muscle. Afterwards, "
            "mild soreness, similar to the day after a hard workout, is "
            "common for a day or two, and a small bruise can appear. Tell "
            "your therapist how you felt after each session so they can "
            "adjust the plan.\n\n"
            "## Where it fits\n\n"
            "Dry needling is usually one part of a wider programme that also "
            "includes exercise, advice on load and footwear, and sometimes "
            "manual therapy. Researchers continue to study conservative care "
            "for heel and foot complaints, including manual approaches; the "
            "references below are background reading, not proof that any one "
            "method will work for you.\n\n"
            "Before booking, mention if you take blood thinners, have a "
            "bleeding or clotting disorder, are pregnant, have diabetes, a "
            "weakened immune system, a metal allergy or a strong fear of "
            "needles. Your therapist will decide whether needling is suitable."
        ),
        "steps": [
            {
                "title": "Follow your therapist's plan first",
                "body": (
                    "Your therapist knows where they needled and why, so their "
                    "advice comes before anything in this guide. Ask at the "
                    "end of each session what to do and avoid for the next day "
                    "or two, and which exercises to keep up. Write it down or "
                    "take a photo of their notes. If any home care here "
                    "conflicts with what they told you, follow them."
                ),
                "products": [],
            },
            {
                "title": "Manage post-session soreness simply",
                "body": (
                    "Mild aching for a day or two is expected. Gentle walking "
                    "and normal daily movement usually feel better than "
                    "complete rest. If your therapist agrees, a wrapped warm "
                    "or cool gel pack for up to 15 to 20 minutes can make the "
                    "area more comfortable. Never put a pack directly on the "
                    "skin, and do not apply warming oils on the same day."
                ),
                "products": ["hot-cold-gel-pack"],
            },
            {
                "title": "Leave needled spots alone for a day",
                "body": (
                    "Give the exact spots that were needled a break from "
                    "massage tools for at least 24 hours, or longer if your "
                    "therapist suggests it. Keep the skin clean and dry, and "
                    "avoid applying oils, lotions or scrapers over the small "
                    "needle points until they have closed. If a bruise "
                    "appears, leave that area alone until it has faded."
                ),
                "products": [],
            },
            {
                "title": "Keep moving with gentle rolling and stretching",
                "body": (
                    "On the days between sessions, light, comfortable "
                    "self-massage of the surrounding area may help the foot "
                    "and calf feel less tight. Roll the sole slowly on a foot "
                    "roller while seated and use a foam roller along the calf "
                    "with light pressure. Pair this with the calf and foot "
                    "stretches your therapist gave you, held gently without "
                    "bouncing."
                ),
                "products": ["wooden-foot-roller", "foam-roller"],
            },
            {
                "title": "Use oil and light strokes only once the skin has settled",
                "body": (
                    "After the first day, and once there is no bruising or "
                    "open mark, you can return to gentle glide with an "
                    "unscented oil. Keep strokes light and broad rather than "
                    "pressing into the exact points that were needled; the "
                    "aim is comfort, not to repeat the session's intensity. "
                    "A soft ball under the arch while you sit is another "
                    "gentle option."
                ),
                "products": ["unscented-carrier-oil", "massage-ball-single"],
            },
            {
                "title": "Keep a short log for your next appointment",
                "body": (
                    "Jot down a few notes each day: how your first steps felt, "
                    "how long any soreness lasted, what you did, and anything "
                    "unusual. Bring this to your next session. It helps your "
                    "therapist decide whether to change the number of "
                    "needles, the spots, or the time between appointments, "
                    "and it helps you notice progress that is easy to miss."
                ),
                "products": [],
            },
        ],
        "faqs": [
            {
                "question": "Is dry needling the same as acupuncture?",
                "answer": (
                    "Both use fine, solid needles, but they come from "
                    "different frameworks. Dry needling is based on muscle and "
                    "movement assessment and targets specific points in "
                    "muscle, while acupuncture comes from traditional Chinese "
                    "medicine. The training and regulation also differ "
                    "depending on where you live, so ask your practitioner "
                    "about theirs."
                ),
            },
            {
                "question": "Can I do dry needling on myself at home?",
                "answer": (
                    "No. It needs sterile technique, a detailed knowledge of "
                    "anatomy and professional training to avoid nerves, blood "
                    "vessels and infection. Home care is about movement, "
                    "comfort and the exercises your therapist prescribes. "
                    "Please do not use sewing needles, pins or any sharp "
                    "object on your skin."
                ),
            },
            {
                "question": "How soon can I exercise after a session?",
                "answer": (
                    "Light activity such as walking is usually fine the same "
                    "day. Many therapists suggest postponing a hard run or "
                    "heavy leg training for a day while soreness settles, but "
                    "the timing depends on your plan, so ask before you leave "
                    "the clinic."
                ),
            },
        ],
        "references": [_REF_ALFUTH, _REF_JUCHLI],
        "clinician_note": (
            "Contact your therapist or a doctor promptly if, after a session, "
            "you notice:\n\n"
            "- soreness that is getting worse after 48 hours instead of better\n"
            "- redness, heat, swelling or pus around a needle point\n"
            "- fever, chills or feeling generally unwell\n"
            "- a large or spreading bruise, or bleeding that will not stop\n"
            "- numbness, tingling or weakness that lasts beyond the session\n"
            "- a swollen, hot and tender calf\n\n"
            "Seek emergency care for chest pain, shortness of breath or "
            "fainting."
        ),
        "products": [
            "hot-cold-gel-pack",
            "wooden-foot-roller",
            "foam-roller",
            "unscented-carrier-oil",
            "massage-ball-single",
        ],
    },
    # ------------------------------------------------------------------ 4
    {
        "slug": "using-massage-oil-safely",
        "title": "Using massage oil safely: patch tests, allergens, storage and stains",
        "summary": (
            "How to patch test a new oil, read the allergen list, store oil "
            "so it lasts, and keep it off your towels and floors."
        ),
        "tags": ["massage oil", "safety", "allergies", "patch test", "storage"],
        "hero_image": "using-massage-oil-safely.svg",
        "hero_alt": (
            "Illustration of an amber oil bottle, a dropper and a small "
            "fabric plaster on an inner forearm, on a soft cream background."
        ),
        "reviewed_by": None,
        "body": (
            "Oil is what lets hands and tools glide instead of dragging, and "
            "it is part of how massage has long been practised (see the "
            "reference for background on massage practice). Most people use "
            "massage oils without any trouble, but oils are plant products, "
            "and plants can cause reactions. A few simple habits keep the "
            "risks low.\n\n"
            "## Know what is in the bottle\n\n"
            "Read the full ingredient list, not just the front label. Look "
            "for:\n\n"
            "- **Nut oils.** Sweet almond, macadamia, hazelnut and others come "
            "from tree nuts. If you have a nut allergy, avoid them; our Ember "
            "warming oil contains sweet almond oil.\n"
            "- **Coconut.** Fractionated coconut oil is highly refined, but "
            "people with a coconut allergy should still avoid it.\n"
            "- **Daisy-family plants.** Arnica, sunflower, chamomile and "
            "calendula belong to the Asteraceae family; people allergic to "
            "one may react to others.\n"
            "- **Essential oils.** Ginger, black pepper, cinnamon, clove and "
            "similar warming oils can irritate sensitive skin.\n\n"
            "## Where oil does not belong\n\n"
            "Massage oils are for intact skin on the body. Keep them away "
            "from the eyes, the inside of the nose and mouth, the genitals, "
            "and any cut, graze, rash or recently shaved skin. Arnica in "
            "particular should never go on broken skin and must never be "
            "swallowed. If you are pregnant or breastfeeding, ask a "
            "clinician before using arnica or essential-oil blends.\n\n"
            "## Heat and warming oils\n\n"
            "Warming oils create a sensation of heat on the skin. Adding a "
            "heat pack, hot bath or sauna on top can turn that into "
            "irritation or even a burn-like reaction, so use them on their "
            "own and wash your hands straight after."
        ),
        "steps": [
            {
                "title": "Patch test every new oil",
                "body": (
                    "Before using a new oil over a large area, rub a "
                    "coin-sized drop onto the inside of your forearm and cover "
                    "it with a plaster. Leave it for 24 hours without washing "
                    "the spot. If you see redness, itching, bumps or swelling, "
                    "wash it off with mild soap and water and do not use that "
                    "oil. No reaction means you can try it on a small area "
                    "first."
                ),
                "products": ["warming-massage-oil", "arnica-massage-oil"],
            },
            {
                "title": "Use less than you think",
                "body": (
                    "A thin film is all a tool needs. Start with a few drops "
                    "or one pump, warm it between your palms and spread it "
                    "over the area, adding more only if the tool starts to "
                    "drag. Using less oil reduces the chance of irritation, "
                    "keeps the tool easier to control and means less to clean "
                    "up afterwards. A pump top helps you measure it out."
                ),
                "products": ["unscented-carrier-oil", "oil-pump-dispenser"],
            },
            {
                "title": "Wash your hands and your tools",
                "body": (
                    "After a session, wash your hands with soap and warm "
                    "water, especially after a warming or arnica oil, so "
                    "nothing ends up in your eyes or on a child's skin. Wipe "
                    "tools with warm soapy water, dry them fully and keep "
                    "them in a pouch so oil does not collect dust. Clean any "
                    "tool between people, and between a nut-based and a "
                    "nut-free oil."
                ),
                "products": ["tool-travel-pouch", "steel-fascia-tool"],
            },
            {
                "title": "Store oil cool, dark and closed",
                "body": (
                    "Light, heat and air slowly break oils down. Keep bottles "
                    "tightly capped in a cool, dark cupboard, away from the "
                    "window sill and the radiator, and out of reach of "
                    "children. Amber glass helps block light. Do not decant "
                    "oil into unlabelled bottles; you want the ingredients "
                    "and the date to stay with the oil."
                ),
                "products": [],
            },
            {
                "title": "Respect the shelf life",
                "body": (
                    "Write the opening date on the label. Most plant-based "
                    "massage oils are best used within about 12 months of "
                    "opening; very stable oils such as fractionated coconut "
                    "oil last longer. If an oil smells sharp, stale or like "
                    "old crayons, looks cloudy when it used to be clear, or "
                    "feels sticky, it has likely gone rancid and is time to "
                    "replace."
                ),
                "products": [],
            },
            {
                "title": "Protect fabrics and floors",
                "body": (
                    "Oil can leave marks on sheets, towels and clothes that "
                    "show up again after washing. Use an old towel as a "
                    "dedicated massage towel and wash it separately in warm "
                    "water with a little dish soap added to the detergent. "
                    "Oiled feet are slippery: wipe the soles before walking "
                    "on hard floors, and clean any spills from tiles or tubs "
                    "at once."
                ),
                "products": [],
            },
        ],
        "faqs": [
            {
                "question": "Is a natural oil always safe for sensitive skin?",
                "answer": (
                    "Not necessarily. Natural simply means plant-derived, and "
                    "many plant compounds can irritate skin or trigger "
                    "allergies. An unscented oil with a single ingredient, "
                    "such as fractionated coconut oil, is usually the "
                    "simplest starting point, but it still needs a patch test "
                    "and is not suitable for people with a coconut allergy."
                ),
            },
            {
                "question": "What if oil gets in my eye?",
                "answer": (
                    "Do not rub it. Rinse the eye gently with plenty of clean, "
                    "lukewarm water for several minutes, removing contact "
                    "lenses if you can. If stinging, redness or blurry vision "
                    "continues after rinsing, or if the oil contained "
                    "essential oils, seek medical advice."
                ),
            },
            {
                "question": "Can I heat massage oil in the microwave?",
                "answer": (
                    "We do not recommend it, because oil heats unevenly and "
                    "can form hot spots that scald the skin. Warm the bottle "
                    "by standing it in a bowl of warm water for a few "
                    "minutes, or simply rub the oil between your palms. Never "
                    "warm a warming oil; it is designed to be used at room "
                    "temperature."
                ),
            },
        ],
        "references": [_REF_JUCHLI],
        "clinician_note": (
            "Wash the oil off and get medical help if you notice:\n\n"
            "- a rash, hives or itching that spreads beyond where you applied oil\n"
            "- blistering, burning or skin that looks scalded\n"
            "- eye pain, redness or blurred vision that continues after rinsing\n"
            "- a child or pet has swallowed oil: contact poison control or a "
            "vet straight away\n\n"
            "Call emergency services for swelling of the face, lips or "
            "tongue, wheezing or difficulty breathing."
        ),
        "products": [
            "warming-massage-oil",
            "arnica-massage-oil",
            "unscented-carrier-oil",
            "oil-pump-dispenser",
            "tool-travel-pouch",
            "steel-fascia-tool",
        ],
    },
]

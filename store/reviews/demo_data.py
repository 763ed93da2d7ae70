"""Demo reviews: (order number, buyer, SKU bought, rating, title, text, store reply). Several products get
reviews, a low rating among them (published like any other), and one makes a health claim (held for a
moderator by the claims screen, as a real one would be). SKUs of demo products only; none of the sold-out one."""
from __future__ import annotations

REVIEWS = [
    ("KW-DEMO-R001", "Priya Natarajan", "KW-FR-045", 5, "Fits a small flat",
     "Dense enough to lean on after a run, light enough to keep behind the sofa. The guide's calf sequence "
     "took me ten minutes.", ""),
    ("KW-DEMO-R002", "Tom Becker", "KW-FR-045", 4, "Firm, a bit loud",
     "Does what I wanted on my thighs. It squeaks on a wooden floor, so I use it on a mat.",
     "Thanks, Tom: a yoga mat also stops it sliding."),
    ("KW-DEMO-R003", "Ana Lima", "KW-FR-090", 2, "Too hard for me",
     "I found the foam far too firm to relax on and I gave it to my brother. The long size is great for "
     "the back if you like firm.",
     "Sorry it was not for you, Ana. Our softer massage balls may suit you better."),
    ("KW-DEMO-R004", "Grace Okafor", "KW-MB-SAG", 5, "Small ball, big help",
     "I keep it at my desk and roll my feet under it in the afternoon. Good grip, no smell.", ""),
    ("KW-DEMO-R005", "Lewis Hart", "KW-MB-PNT", 4, "Great along the spine",
     "The groove sits either side of the spine nicely. Took a few days to get used to the pressure.", ""),
    ("KW-DEMO-R006", "Mei Chen", "KW-WO-100", 5, "Lovely warmth",
     "Gentle warmth, not the burning kind, and a little goes a long way. Patch-tested first as the label says.",
     ""),
    ("KW-DEMO-R007", "Sam Rivera", "KW-WO-100", 1, "Not for sensitive skin",
     "Went red on my forearm during the patch test, so I did not use it. Quick refund though.",
     "Thank you for doing the patch test, Sam, and for telling other shoppers."),
    ("KW-DEMO-R008", "Jo Evans", "KW-FC-ROL", 4, "Nice wood, simple",
     "Smooth beechwood, rolls well under a bare foot. I wish it were a little longer.", ""),
    ("KW-DEMO-R009", "Dana Kowalski", "KW-FC-ROL", 5, "Cured my plantar fasciitis",
     "After two weeks of rolling every night it cured my plantar fasciitis completely.", ""),
]

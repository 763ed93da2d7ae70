"""XSS payloads fed to the guide renderer (unit test) and to a published guide (browser test).

Each payload that could run tries to set ``window.__xss`` or change ``document.title`` (or open a dialog), so
the browser test can tell whether anything executed.
"""

PAYLOADS = [
    # script tags
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=/static/js/evil.js></SCRIPT>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<script/src=data:text/javascript,window.__xss=1></script>",
    # event handlers on img / svg / body / others
    "<img src=x onerror=window.__xss=1>",
    '<img src="x" onerror="document.title=\'pwned\'">',
    "<IMG SRC=x OnErRoR=window.__xss=1>",
    "<img src=x onerror\x0b=window.__xss=1>",
    "<svg onload=window.__xss=1>",
    "<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>",
    "<body onload=window.__xss=1>",
    "<div onmouseover=window.__xss=1 style=width:9999px;height:9999px>hover</div>",
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    "<video><source onerror=window.__xss=1></video>",
    # javascript: / vbscript: / data: URLs, encoded and mixed case
    '<a href="javascript:window.__xss=1">click</a>',
    '<a href="JaVaScRiPt:window.__xss=1">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1">click</a>',
    '<a href="&#x6A;avascript&#x3A;window.__xss=1">click</a>',
    '<a href="jav&#x09;ascript:window.__xss=1">click</a>',
    '<a href="  javascript:window.__xss=1">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==">click</a>',
    '<img src="javascript:window.__xss=1">',
    # Markdown links and images
    "[click me](javascript:window.__xss=1)",
    "[click me](JAVASCRIPT:window.__xss=1)",
    "[click me](jav&#x61;script:window.__xss=1)",
    "![pic](javascript:window.__xss=1)",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9d2luZG93Ll9feHNzPTE+)",
    "[ref]\n\n[ref]: javascript:window.__xss=1",
    "<javascript:window.__xss=1>",
    # frames, objects, embeds, srcdoc
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<object data="javascript:window.__xss=1"></object>',
    '<embed src="javascript:window.__xss=1">',
    # style tags and style attributes
    "<style>body{background:url(javascript:window.__xss=1)}</style>",
    '<p style="background:url(javascript:window.__xss=1)">styled</p>',
    '<div style="behavior:url(x.htc);-moz-binding:url(x.xml)">old tricks</div>',
    # math / svg namespace confusion
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">svg link</text></a></svg>',
    "<math href=\"javascript:window.__xss=1\">math</math>",
    "<svg><foreignObject><iframe srcdoc=\"&lt;script&gt;parent.__xss=1&lt;/script&gt;\"></iframe></foreignObject></svg>",
    # forms, formaction, meta refresh, base href
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    '<button formaction="javascript:window.__xss=1">go</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<base href="javascript:window.__xss=1//">',
    # unclosed tags, comments, parser confusion
    "<img src=x onerror=window.__xss=1",
    "<a href='javascript:window.__xss=1'>unclosed",
    "<!--><img src=x onerror=window.__xss=1>-->",
    "<!-- --!><img src=x onerror=window.__xss=1> -->",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "<textarea><script>window.__xss=1</script></textarea>",
    "<xmp><img src=x onerror=window.__xss=1></xmp>",
    '<a href="https://example.org" onclick="window.__xss=1">looks fine</a>',
    "`<script>window.__xss=1</script>` in code is just text",
]

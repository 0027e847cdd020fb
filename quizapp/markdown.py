"""The one way authored text becomes HTML: markdown-it-py with raw HTML off, then nh3.

Rendering is linear in the text but not cheap on text built of brackets (about 15 us a
character for "![![..."), so the bank bounds every field (bank/limits.py) and stores each
version's HTML when it is saved (QuestionVersion.rendered): pages never render per view.
"""

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

# Bump when the HTML for the same text changes (options, allow-lists, the library's major
# version): `flask bank rerender` then rebuilds what older renderers stored.
RENDERER_VERSION = 1

OPTIONS = {"html": False, "linkify": False}
# Inline parsing looks ahead through nested brackets up to maxNesting levels at every "[",
# so that depth multiplies the cost of "[[[...". Text needs at most a link around an image
# (three levels); block nesting (quotes in lists...) keeps the library's 20.
INLINE_NESTING = 6

_md = MarkdownIt("commonmark", OPTIONS).enable("strikethrough")
_inline_md = MarkdownIt("commonmark", OPTIONS | {"maxNesting": INLINE_NESTING}).enable("strikethrough")


def _inline(state: StateCore) -> None:
    """markdown-it's core "inline" rule, parsing each block's text with the shallower parser."""
    for token in state.tokens:
        if token.type == "inline":
            token.children = token.children or []
            _inline_md.inline.parse(token.content, _inline_md, state.env, token.children)


_md.core.ruler.at("inline", _inline)

# b, i, u, sub and sup: Markdown never makes them, but Moodle's HTML questions use them (H<sub>2</sub>O).
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "b",
    "i",
    "u",
    "sub",
    "sup",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> Markup:
    """HTML cut down to the allow-list: what Markdown makes, and what an item in `html` format may hold."""
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704  (sanitised by nh3 just above)


def render_markdown(text: str | None) -> Markup:
    """Safe HTML for authored Markdown: bold, lists and links render; script never does."""
    return sanitise(_md.render(text or ""))


def render_text(text: str | None, fmt: str = "markdown") -> Markup:
    """Safe HTML for an authored text in its item's format: Markdown, or HTML through the same allow-list."""
    return sanitise(text or "") if fmt == "html" else render_markdown(text)


def entry_html(text: str, data: dict) -> Markup | str:
    """A choice, item or pair side as shown: sanitised HTML in an html-format item, else the text itself
    (escaped by the template). Short (limits.CHOICE), so sanitising it per view costs microseconds."""
    return sanitise(text) if data.get("format") == "html" else text


def entry_plain(text: str, data: dict) -> Markup | str:
    """The same without any tags, for where HTML cannot go (a select's options)."""
    return Markup(nh3.clean(text, tags=set())) if data.get("format") == "html" else text  # noqa: S704


_TAG = re.compile(r"<\s*([A-Za-z][A-Za-z0-9]*)")


def dropped_tags(html: str) -> list[str]:
    """The tags of an HTML text that the allow-list removes (with their attributes), for an import's warning."""
    return sorted({name.lower() for name in _TAG.findall(html)} - ALLOWED_TAGS)

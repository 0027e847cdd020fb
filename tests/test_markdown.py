"""Authored Markdown: formatting renders, script never does."""

import pytest

from quizapp.markdown import render_markdown
from tests.html_checks import live_markup

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '![x](x" onerror="alert(1))',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<details open ontoggle=alert(1)>",
]


def test_bold_lists_and_links_render():
    html = render_markdown("**Stalin** agreed.\n\n- one\n- two\n\n[the article](https://example.org/a)")
    assert "<strong>Stalin</strong>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert '<a href="https://example.org/a" rel="noopener noreferrer nofollow">the article</a>' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_never_survives(payload):
    html = render_markdown(payload)
    assert live_markup(html) == [], html


def test_empty_and_none():
    assert render_markdown(None) == "" and render_markdown("") == ""


def test_the_checker_itself_sees_live_markup():
    assert live_markup('<img src=x onerror="alert(1)">') == ["img[onerror]"]
    assert live_markup('<a href=" javascript:alert(1)">x</a>') and live_markup("<script>x</script>")

"""Helpers for the reviews tests."""

import html
import re


def textarea_text(content: str, name: str) -> str:
    """The text a page's textarea named ``name`` holds, as the browser will show it."""
    match = re.search(rf'<textarea[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</textarea>', content, re.DOTALL)
    assert match, f"no textarea named {name!r} on the page"
    # Django's textarea template starts the value on a new line, which browsers drop.
    return html.unescape(match.group(1)).removeprefix("\n")

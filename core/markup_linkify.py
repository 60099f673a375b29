"""Bare ``scheme://`` links found while parsing a paragraph, in time linear in its length.

markdown-it-py's own rule searches everything typed so far for the scheme and hands linkify-it the whole
rest of the paragraph at every ``://``, which is quadratic in a paragraph full of them. This rule does the
same with both bounded: a scheme is short, and so is any address worth linking.
"""

import re

SCHEME = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)
SCHEME_WINDOW = 32
URL_WINDOW = 2_048


def bounded_linkify(state, silent: bool) -> bool:
    if not state.md.options.linkify or state.linkLevel > 0:
        return False
    pos = state.pos
    if pos + 3 > state.posMax or state.src[pos : pos + 3] != "://":
        return False
    match = SCHEME.search(state.pending[-SCHEME_WINDOW:])
    if not match:
        return False
    scheme = match.group(1)
    start = pos - len(scheme)
    link = state.md.linkify.match_at_start(state.src[start : min(state.posMax, start + URL_WINDOW)])
    if not link:
        return False
    url = link.url.rstrip("*")  # a trailing '*' closes emphasis, as in markdown-it-py
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[: -len(scheme)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup, token.info = "linkify", "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos += len(url) - len(scheme)
    return True

"""The one place where member- and organiser-written Markdown becomes HTML.

Markdown is rendered with raw HTML switched off (typed HTML stays visible as text) and the result is
sanitised with nh3 against an allow-list. Callers store the result in an ``*_html`` field on save;
templates may mark only those fields safe.
"""

import secrets
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
# Python-Markdown names its footnote markup with these classes; keep them so the list can be styled.
ALLOWED_CLASSES = {"div": {"footnote"}, "a": {"footnote-ref", "footnote-backref"}}

MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "footnotes", "sane_lists"]


class _DemoteHeadings(Treeprocessor):
    """Shift headings down two levels: a page already has its own h1 and h2."""

    def run(self, root):
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                element.tag = f"h{min(int(element.tag[1]) + 2, 6)}"


class _NoRawHtml(Extension):
    """Treat typed HTML as text, and demote headings."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 0)


def _is_mangled_scheme(url: str) -> bool:
    """A colon before the first slash without a recognised scheme is an obfuscated one."""
    return not urlsplit(url).scheme and ":" in url.split("/", 1)[0]


def _namespacing_filter(prefix: str):
    """Prefix ids and in-page links so a rendered text cannot clash with the page or its neighbours."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return f"{prefix}{value}"
        if attribute == "href" and value.startswith("#"):
            return f"#{prefix}{value[1:]}"
        if attribute in {"href", "src"} and _is_mangled_scheme(value):
            return None
        return value

    return attribute_filter


def sanitise_html(html: str) -> str:
    """Reduce an HTML fragment to the allow-listed tags, attributes and link schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_namespacing_filter(f"md-{secrets.token_hex(4)}-"),
        link_rel=LINK_REL,
        url_schemes=ALLOWED_URL_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
    )


def render_markdown(text: str) -> str:
    """Render Markdown to sanitised HTML; an empty text gives an empty string."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=[*MARKDOWN_EXTENSIONS, _NoRawHtml()], output_format="html")
    return sanitise_html(html)

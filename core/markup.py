"""The one place where member- and organiser-written Markdown becomes HTML.

GitHub-style Markdown is parsed by markdown-it-py (CommonMark, linear-time by design) with raw HTML off,
so typed HTML stays visible as text; tables, strikethrough, task lists, footnotes and bare links come from
markdown-it-py and mdit-py-plugins. Maths is turned into MathML on the server (no script needed), code
with a known language is highlighted by Pygments into CSS classes, and images become links, so a reader's
browser never fetches a third party's picture. The result is sanitised with nh3 against an allow-list.

Callers store the result in an ``*_html`` field when saving; templates may mark only those fields safe.
Stored HTML follows this module through ``manage.py rerender_markup``.
"""

import hashlib
import html
import re
from contextvars import ContextVar
from functools import cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from core.markup_linkify import bounded_linkify
from core.markup_math import LENGTH_ATTRIBUTES, MATHML_ATTRIBUTES, MATHML_TAGS, bounded_length, math_plugin

# Every Markdown field holds at most this many characters (forms and models refuse more): any text within
# it renders in well under 0.2 s, hostile or not (tests/core/test_markup_budget.py).
MARKDOWN_MAX_LENGTH = 8_000
# Texts saved before that limit (it was 20,000) keep their formatting; anything longer still, which only a
# fixture or a shell can store, is shown as plain text rather than parsed.
RENDER_CEILING = 20_000

# Headings in member text start here: every page that shows it already has its own h1 and h2.
TOP_HEADING_LEVEL = 3

HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "input", "label", "li", "ol", "p", "pre", "s", "section", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_TAGS = HTML_TAGS | MATHML_TAGS
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start"},
    **MATHML_ATTRIBUTES,
}
# A task list's checkbox is always a disabled checkbox, whatever reached the sanitiser.
FORCED_ATTRIBUTES = {"input": {"type": "checkbox", "disabled": "disabled"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"

# Pygments' short token classes ("k", "nf", "s2" …); nothing else may style a code span.
HIGHLIGHT_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name)
ALLOWED_CLASSES = {
    "a": {"footnote-backref", "image-link"},
    "code": {"math-source"},
    "div": {"math", "math-display"},
    "hr": {"footnotes-sep"},
    "input": {"task-list-item-checkbox"},
    "li": {"task-list-item", "footnote-item"},
    "ol": {"footnotes-list"},
    "section": {"footnotes"},
    "small": {"math-note"},
    "span": {"math", "math-display", *HIGHLIGHT_CLASSES},
    "sup": {"footnote-ref"},
    "td": {"align-left", "align-center", "align-right"},
    "th": {"align-left", "align-center", "align-right"},
    "ul": {"contains-task-list"},
}
LANGUAGE_CLASS = re.compile(r"language-[a-z0-9][a-z0-9+#._-]{0,30}")
TABLE_ALIGNMENT = re.compile(r"text-align:(left|center|right)")

# Languages whose Pygments lexers were checked against the rendering budget with hostile input. Other
# languages keep their class and show as plain code.
HIGHLIGHTED_LANGUAGES = frozenset({
    "bash", "c", "console", "cpp", "c++", "css", "cuda", "diff", "dockerfile", "go", "haskell", "html",
    "ini", "java", "javascript", "js", "json", "julia", "jl", "kotlin", "latex", "tex", "lua", "make",
    "makefile", "markdown", "md", "matlab", "numpy", "ocaml", "perl", "php", "py", "pycon", "python",
    "python3", "r", "ruby", "rust", "scala", "sh", "shell", "sql", "swift", "text", "toml", "ts",
    "typescript", "xml", "yaml", "yml", "zsh",
})  # fmt: skip
_HIGHLIGHTER = HtmlFormatter(nowrap=True)
# Pygments' lexers slow down faster than linearly on long hostile input (up to 1.7 s for 8,000 characters),
# so each text gets this many characters of highlighting; code beyond it shows as plain code.
HIGHLIGHT_BUDGET = 2_000
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_highlight_budget: ContextVar[list[int]] = ContextVar("highlight_budget")


def _highlight(code: str, language: str, attrs) -> str:
    """Pygments' token spans for a known language; an empty string lets markdown-it escape the code."""
    remaining = _highlight_budget.get(None)
    if language.lower() not in HIGHLIGHTED_LANGUAGES or remaining is None or len(code) > remaining[0]:
        return ""
    remaining[0] -= len(code)
    try:
        lexer = get_lexer_by_name(language.lower())
    except ClassNotFound:
        return ""
    return pygments_highlight(code, lexer, _HIGHLIGHTER)


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    """An image becomes a link to it (or its description alone inside a link): never loaded by readers."""
    token = tokens[idx]
    description = renderer.renderInlineAsText(token.children or [], options, env).strip()
    source = str(token.attrGet("src") or "")
    host = urlsplit(source).hostname if source.lower().startswith(("http://", "https://")) else None
    if host is None or token.meta.get("inside_link"):
        return escapeHtml(description or "image")
    label = f"{description} (image at {host})" if description else f"image at {host}"
    return f'<a href="{escapeHtml(source)}" class="image-link">{escapeHtml(label)}</a>'


def _page_structure(state) -> None:
    """Headings start at the page's level; table alignment becomes classes (the CSP forbids style
    attributes); images inside a link are marked, since a link cannot hold another link."""
    shift = state.env.get("top_heading_level", TOP_HEADING_LEVEL) - 1
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
        elif token.type in {"th_open", "td_open"}:
            alignment = TABLE_ALIGNMENT.fullmatch(str(token.attrs.pop("style", "")))
            if alignment:
                token.attrSet("class", f"align-{alignment[1]}")
        elif token.type == "inline" and token.children:
            depth = 0
            for child in token.children:
                depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
                if child.type == "image":
                    child.meta["inside_link"] = depth > 0


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "highlight": _highlight})
    parser.enable(["table", "strikethrough", "linkify"])
    parser.inline.ruler.at("linkify", bounded_linkify)
    # Each checkbox sits inside a label with its item's text, so screen readers announce what it is.
    parser.use(footnote_plugin).use(tasklists_plugin, label=True)
    parser.use(math_plugin)
    parser.add_render_rule("image", _image_as_link)
    parser.core.ruler.push("page_structure", _page_structure)
    return parser


def _class_filter(tag: str, value: str) -> str | None:
    allowed = ALLOWED_CLASSES.get(tag, set())
    kept = [name for name in value.split() if name in allowed or (tag == "code" and LANGUAGE_CLASS.fullmatch(name))]
    return " ".join(kept) or None


def _is_mangled_scheme(url: str) -> bool:
    """A colon before the first slash without a recognised scheme is an obfuscated one."""
    return not urlsplit(url).scheme and ":" in url.split("/", 1)[0]


def _attribute_filter(prefix: str):
    """Namespace ids and in-page links (a text cannot clash with the page or its neighbours), keep only
    known classes, and drop disguised link schemes."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return f"{prefix}{value}"
        if attribute == "class":
            return _class_filter(tag, value)
        if attribute == "href" and value.startswith("#"):
            return f"#{prefix}{value[1:]}"
        if attribute == "href" and _is_mangled_scheme(value):
            return None
        if attribute in LENGTH_ATTRIBUTES and tag in MATHML_TAGS:
            return bounded_length(value)
        return value

    return attribute_filter


def sanitise_html(html_text: str, *, id_prefix: str = "md-") -> str:
    """Reduce an HTML fragment to the allow-listed tags, attributes, classes and link schemes."""
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter(id_prefix),
        set_tag_attribute_values=FORCED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes=ALLOWED_URL_SCHEMES,
    )


def render_markdown(text: str, *, top_heading_level: int = TOP_HEADING_LEVEL) -> str:
    """Render Markdown to sanitised HTML; an empty text gives an empty string.

    The same text always gives the same HTML (ids are namespaced by a hash of the text), so stored
    HTML can be compared with a fresh rendering.
    """
    if not text or not text.strip():
        return ""
    if len(text) > RENDER_CEILING:
        return _plain_paragraphs(text)
    # Lone surrogates (possible in a fixture, never from a form) cannot be encoded: replaced, not fatal.
    text = _LONE_SURROGATE.sub("\ufffd", text)
    budget = _highlight_budget.set([HIGHLIGHT_BUDGET])
    try:
        rendered = _parser().render(text, {"top_heading_level": top_heading_level})
    finally:
        _highlight_budget.reset(budget)
    prefix = f"md-{hashlib.sha256(text.encode()).hexdigest()[:8]}-"
    return sanitise_html(rendered, id_prefix=prefix).strip()


def _plain_paragraphs(text: str) -> str:
    paragraphs = (part.strip() for part in re.split(r"\n\s*\n", text))
    return "\n".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs if part)


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|tr|th|td|pre|blockquote|div|dt|dd|section|math)>|<br\s*/?>|<hr\s*/?>")
_TAG = re.compile(r"<[^>]*>")
_FOOTNOTES = re.compile(r'<hr class="footnotes-sep">.*', re.DOTALL)


def html_to_text(rendered: str) -> str:
    """Plain text of rendered HTML, for excerpts: blocks and cells apart, entities decoded once.

    The result is text, not HTML: a template escapes it once when it shows it.
    """
    without_footnotes = _FOOTNOTES.sub("", rendered)
    spaced = _TAG.sub("", _BLOCK_END.sub(" ", without_footnotes))
    return " ".join(html.unescape(spaced).split())


_LIST_MARKER = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")


def top_level_items(text: str) -> list[str]:
    """The Markdown source of each top-level list item of ``text`` (its marker and indent removed, any
    nested list kept), read off the renderer's own tokens; when ``text`` has no top-level list, each
    top-level paragraph. Used to turn a review's confusions and questions into agenda items."""
    if not text or not text.strip() or len(text) > RENDER_CEILING:
        return []
    lines = _LONE_SURROGATE.sub("\ufffd", text).splitlines()
    items, paragraphs = [], []
    for token in _parser().parse("\n".join(lines)):
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "list_item_open" and token.level == 1:
            first, *rest = lines[start:end]
            indent = len(first) - len(_LIST_MARKER.sub("", first))
            body = [_LIST_MARKER.sub("", first)] + [line[indent:] if line[:indent].isspace() else line for line in rest]
            items.append("\n".join(body).strip())
        elif token.type == "paragraph_open" and token.level == 0:
            paragraphs.append("\n".join(lines[start:end]).strip())
    return [item for item in (items or paragraphs) if item]

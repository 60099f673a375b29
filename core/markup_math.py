"""Maths in Markdown: ``\\(…\\)`` and ``\\[…\\]`` delimiters, and LaTeX turned into MathML on the server.

Browsers lay MathML out natively, so no script runs and the CSP stays strict. A formula that cannot be
converted is shown as its source with a short note: never an error, never lost text.
"""

import re
from xml.etree.ElementTree import tostring

from latex2mathml.converter import convert_to_element
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Longer formulas are shown as source: conversion time grows with length and nesting.
MATH_MAX_LENGTH = 2_000

# Presentation MathML as latex2mathml writes it; no links, no colours, no styles.
MATHML_TAGS = {
    "math", "menclose", "merror", "mfenced", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover", "mpadded",
    "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub", "msubsup",
    "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics",
}  # fmt: skip
_PRESENTATION = {
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "close", "depth", "displaystyle",
    "fence", "form", "height", "largeop", "linethickness", "lspace", "mathvariant", "maxsize", "minsize",
    "movablelimits", "notation", "open", "rowalign", "rowlines", "rowspacing", "rspace", "scriptlevel",
    "separator", "separators", "stretchy", "symmetric", "width",
}  # fmt: skip
MATHML_ATTRIBUTES = {tag: set(_PRESENTATION) for tag in MATHML_TAGS} | {
    "math": {"display", "xmlns", *_PRESENTATION},
}


_CHARACTER_REFERENCE = re.compile(r"&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
# Lengths (\\rule, \\hspace, \\quad …) beyond this many em are dropped: a formula cannot blow the page up.
MAX_LENGTH_EM = 20
_LENGTH = re.compile(r"(-?(?:\d+(?:\.\d*)?|\.\d+))\s*(em|ex|mu|pt|px|mm|cm|in|pc)?")
_EM_PER_UNIT = {"em": 1, "ex": 0.5, "mu": 1 / 18, "pt": 0.1, "px": 0.0625, "mm": 0.24, "cm": 2.4, "in": 6, "pc": 1.2}
LENGTH_ATTRIBUTES = {"width", "height", "depth", "lspace", "rspace", "minsize", "maxsize"}


def _character(match: re.Match) -> str:
    code = int(match[1], 16) if match[1] else int(match[2])
    is_control = (code < 0x20 and code not in (0x09, 0x0A)) or 0x7F <= code <= 0x9F
    if is_control or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return "\ufffd"
    return chr(code)


def _mathml(source: str, *, display: bool) -> str:
    """latex2mathml's tree, serialised by us: its own ``convert`` un-escapes the finished XML, which would
    turn ``\\text{<h1>}`` into a real tag. Here text stays text; only the symbol references that
    latex2mathml writes into text nodes (``&#x02211;``) become the characters they stand for."""
    root = convert_to_element(source, display="block" if display else "inline")
    for element in root.iter():
        if element.text:
            element.text = _CHARACTER_REFERENCE.sub(_character, element.text)
        if element.tail:
            element.tail = _CHARACTER_REFERENCE.sub(_character, element.tail)
    return tostring(root, encoding="unicode")


def bounded_length(value: str) -> str | None:
    """A MathML length attribute if it is a plain length of at most ``MAX_LENGTH_EM``; None drops it."""
    match = _LENGTH.fullmatch(value.strip())
    if not match:
        return value if value.isalpha() else None  # named spaces such as "thinmathspace"
    size = abs(float(match[1])) * _EM_PER_UNIT.get(match[2] or "em", 1)
    return value if size <= MAX_LENGTH_EM else None


def math_to_html(source: str, *, display: bool, in_paragraph: bool = False) -> str:
    """One formula as MathML, or as its source in a code span with a note when it cannot be converted.

    Display maths written inside a paragraph stays an inline-level element, so the paragraph is not cut.
    """
    source = source.strip()
    try:
        if len(source) > MATH_MAX_LENGTH:
            raise ValueError("formula too long")
        inner = _mathml(source, display=display)
    except Exception:  # noqa: BLE001 (latex2mathml raises many types for malformed LaTeX; all mean "show source")
        delimiter = "$$" if display else "$"
        inner = (
            f'<code class="math-source">{escapeHtml(delimiter + source + delimiter)}</code> '
            '<small class="math-note">(this formula could not be shown)</small>'
        )
    if not display:
        return f'<span class="math">{inner}</span>'
    element = "span" if in_paragraph else "div"
    return f'<{element} class="math math-display">{inner}</{element}>'


def _render_inline(renderer, tokens, idx, options, env) -> str:
    return math_to_html(tokens[idx].content, display=False)


def _render_display_in_paragraph(renderer, tokens, idx, options, env) -> str:
    return math_to_html(tokens[idx].content, display=True, in_paragraph=True)


def _render_block(renderer, tokens, idx, options, env) -> str:
    return math_to_html(tokens[idx].content, display=True) + "\n"


def _inline_brackets(state, silent: bool) -> bool:
    r"""``\(…\)`` on one paragraph. A failed search is remembered, so a text full of ``\(`` stays linear."""
    if not state.src.startswith("\\(", state.pos):
        return False
    give_up_from = state.env.setdefault("_math_brackets_unclosed", {})
    key = (id(state.src), state.posMax)
    if state.pos >= give_up_from.get(key, state.posMax + 1):
        return False
    end = state.src.find("\\)", state.pos + 2, state.posMax)
    if end < 0 or not state.src[state.pos + 2 : end].strip():
        if end < 0:
            give_up_from[key] = min(state.pos, give_up_from.get(key, state.pos))
        return False
    if not silent:
        token = state.push("math_inline_bracket", "math", 0)
        token.content = state.src[state.pos + 2 : end]
        token.markup = "\\("
    state.pos = end + 2
    return True


_BLOCK_START = re.compile(r"\\\[")


def _block_brackets(state, start_line: int, end_line: int, silent: bool) -> bool:
    r"""``\[…\]`` starting a line and ending a line (the same one or a later one)."""
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if state.sCount[start_line] - state.blkIndent >= 4 or not state.src.startswith("\\[", begin):
        return False
    # A failed scan from line L to line S rules out every start between them: remembered, so a text
    # full of lines opening with \[ stays linear.
    unclosed = state.env.setdefault("_math_brackets_block_unclosed", {})
    failed_from, failed_to = unclosed.get(end_line, (0, 0))
    if failed_from <= start_line < failed_to:
        return False
    line = start_line
    while line < end_line:
        line_start = begin + 2 if line == start_line else state.bMarks[line] + state.tShift[line]
        line_end = state.eMarks[line]
        if line > start_line and (state.isEmpty(line) or state.sCount[line] < state.blkIndent):
            break  # a blank or outdented line ends the attempt, as in LaTeX and on GitHub
        text = state.src[line_start:line_end].rstrip()
        if text.endswith("\\]") and (line > start_line or text[:-2].strip()):
            if silent:
                return True
            content_start = begin + 2
            content_end = line_start + len(text) - 2
            token = state.push("math_block_bracket", "math", 0)
            token.block = True
            token.content = state.src[content_start:content_end]
            token.map = [start_line, line + 1]
            token.markup = "\\["
            state.line = line + 1
            return True
        line += 1
    unclosed[end_line] = (start_line, line)
    return False


def math_plugin(md) -> None:
    r"""Maths between dollars (no space inside, so "costs $5 and $10" stays prose, as on GitHub and in
    Pandoc), ``\(…\)`` inline and ``\[…\]`` on their own lines, all rendered to MathML."""
    md.use(
        dollarmath_plugin,
        allow_space=False,
        allow_digits=False,
        allow_labels=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    md.add_render_rule("math_inline", _render_inline)
    md.add_render_rule("math_inline_double", _render_display_in_paragraph)
    md.add_render_rule("math_block", _render_block)
    md.inline.ruler.before("escape", "math_inline_bracket", _inline_brackets)
    md.block.ruler.before("fence", "math_block_bracket", _block_brackets, {"alt": ["paragraph", "blockquote"]})
    md.add_render_rule("math_inline_bracket", _render_inline)
    md.add_render_rule("math_block_bracket", _render_block)

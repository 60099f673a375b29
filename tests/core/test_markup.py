import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from core.markup import (
    ALLOWED_TAGS,
    HIGHLIGHT_BUDGET,
    RENDER_CEILING,
    html_to_text,
    render_markdown,
    sanitise_html,
)


class _ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def parse_elements(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The tags and attributes a browser would build, not the text that merely looks like them."""
    collector = _ElementCollector()
    collector.feed(html)
    return collector.elements


def classes_of(html: str, tag: str) -> set[str]:
    return {
        name
        for element, attributes in parse_elements(html)
        if element == tag
        for attribute, value in attributes
        if attribute == "class"
        for name in value.split()
    }


PAYLOADS = [
    line.rstrip("\n").replace("\\n", "\n")
    for line in (Path(__file__).parents[1] / "data" / "xss-sample.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def assert_safe(html: str) -> None:
    elements = parse_elements(html)
    assert {tag for tag, _ in elements} <= ALLOWED_TAGS
    for tag, attributes in elements:
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name)
            assert name not in {"style", "target", "action", "formaction", "src", "xlink:href"}, (tag, name)
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:", "#")), value
        assert tag != "img"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_markdown_renders_without_script_handlers_or_unsafe_links(payload):
    assert_safe(render_markdown(payload))


@pytest.mark.parametrize(
    "payload",
    [
        "$\\href{javascript:alert(1)}{x}$",
        "$$\\style{background:url(x)}{x}$$",
        "\\(\\color{red}{x}\\)",
        "$\\text{<script>alert(1)</script>}$",
        "$x</math><img src=x onerror=alert(1)>$",
        '```python" onmouseover="alert(1)\nx = 1\n```',
        "```<script>\nx\n```",
        '![x" onerror="alert(1)](https://example.org/a.png)',
        "![x](javascript:alert(1))",
    ],
)
def test_hostile_maths_code_and_images_stay_inert(payload):
    html = render_markdown(payload)
    assert_safe(html)
    assert "<script" not in html and "onerror=" not in html.replace("&quot;", '"').split(">", 1)[0]


def test_the_sanitiser_strips_mathml_links_and_unknown_mathml_from_any_source():
    html = sanitise_html(
        '<math><mi href="javascript:alert(1)" style="color:red" mathbackground="red">x</mi>'
        '<maction actiontype="statusline"><mtext>y</mtext></maction>'
        '<annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>'
    )
    assert_safe(html)
    assert "href" not in html and "maction" not in html and "mathbackground" not in html and "<img" not in html


def test_typed_html_stays_visible_as_text():
    assert render_markdown("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>"


def test_links_get_rel_nofollow_noopener_noreferrer():
    html = render_markdown("[paper](https://arxiv.org/abs/1512.03385)")
    assert 'href="https://arxiv.org/abs/1512.03385"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_bare_addresses_become_links():
    html = render_markdown("See https://arxiv.org/abs/1706.03762 and www.deeplearningbook.org today.")
    assert 'href="https://arxiv.org/abs/1706.03762"' in html
    assert 'href="http://www.deeplearningbook.org"' in html


def test_urls_with_parentheses_stay_whole():
    html = render_markdown("[disambiguation](https://en.wikipedia.org/wiki/Backpropagation_(disambiguation))")
    assert 'href="https://en.wikipedia.org/wiki/Backpropagation_(disambiguation)"' in html


def test_mailto_links_are_kept():
    assert 'href="mailto:organisers@example.com"' in render_markdown("[mail](mailto:organisers@example.com)")


def test_inline_and_display_maths_become_mathml():
    html = render_markdown("Energy $E=mc^2$ and\n\n$$\n\\sum_{i=1}^n x_i\n$$\n")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert "<msup><mi>c</mi><mn>2</mn></msup>" in html
    assert "$" not in html


def test_bracket_delimiters_are_maths_too():
    html = render_markdown("Inline \\(\\alpha_i\\) here.\n\n\\[\na^2 + b^2 = c^2\n\\]\n")
    assert html.count("<math") == 2 and "<mi>α</mi>" in html


def test_display_maths_inside_a_paragraph_keeps_the_paragraph_whole():
    html = render_markdown("Before $$\\frac{a}{b}$$ after.")
    assert html.startswith("<p>Before ") and html.rstrip().endswith("after.</p>")
    assert 'display="block"' in html


@pytest.mark.parametrize(
    "prose",
    ["It costs $5 and $10.", "Between $ 3 and 4 $ dollars.", "A lone $ sign", "Prices: $20, $30 and $40"],
)
def test_dollar_signs_in_prose_stay_text(prose):
    html = render_markdown(prose)
    assert "<math" not in html
    assert html_to_text(html) == prose


def test_a_formula_that_cannot_be_converted_shows_its_source_with_a_note():
    html = render_markdown("Broken $\\frac{1}{$ and fine $x$.")
    assert '<code class="math-source">$\\frac{1}{$</code>' in html
    assert "could not be shown" in html
    assert html.count("<math") == 1


def test_fenced_code_with_a_language_is_highlighted_and_keeps_the_language():
    html = render_markdown("```python\ndef f(x):\n    return x ** 2  # square\n```")
    assert classes_of(html, "code") == {"language-python"}
    assert {"k", "nf", "c1"} <= classes_of(html, "span")
    assert "style=" not in html
    assert html_to_text(html) == "def f(x): return x ** 2 # square"


def test_code_in_an_unknown_language_is_plain_code_with_its_language():
    html = render_markdown("```klingon\nqapla' <b>\n```")
    assert html == '<pre><code class="language-klingon">qapla\' &lt;b&gt;\n</code></pre>'


def test_images_become_links_and_are_never_loaded():
    html = render_markdown(
        "![loss curve](https://example.org/loss.png) ![](https://cdn.example.net/pixel.gif) ![local](/static/x.png)"
    )
    assert "<img" not in html
    assert '<a href="https://example.org/loss.png" class="image-link"' in html
    assert "loss curve (image at example.org)</a>" in html
    assert "image at cdn.example.net</a>" in html
    assert "local" in html_to_text(html) and "/static/x.png" not in html


def test_an_image_inside_a_link_becomes_the_link_text():
    html = render_markdown("[![build badge](https://img.example.org/badge.svg)](https://github.com/example)")
    assert html == ('<p><a href="https://github.com/example" rel="nofollow noopener noreferrer">build badge</a></p>')


def test_tables_keep_column_alignment_as_classes():
    html = render_markdown("| left | centre | right |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert classes_of(html, "th") == classes_of(html, "td") == {"align-left", "align-center", "align-right"}


def test_task_lists_show_disabled_checkboxes():
    html = render_markdown("- [ ] read Paper 1\n- [x] read Paper 2")
    checkboxes = [dict(attrs) for tag, attrs in parse_elements(html) if tag == "input"]
    assert len(checkboxes) == 2
    assert all(box["type"] == "checkbox" and "disabled" in box for box in checkboxes)
    assert ["checked" in box for box in checkboxes] == [False, True]


def test_lists_indented_by_two_spaces_nest_as_on_github():
    html = render_markdown("- outer\n  - inner\n    - innermost\n")
    assert re.search(r"<li>outer\s*<ul>\s*<li>inner\s*<ul>\s*<li>innermost</li>", html)


def test_strikethrough_and_block_quotes_render():
    html = render_markdown("~~wrong~~\n\n> quoted")
    assert "<s>wrong</s>" in html and "<blockquote>" in html


def test_footnote_ids_are_namespaced_and_links_still_match():
    html = render_markdown("A claim[^1].\n\n[^1]: The source.")
    ids = set(re.findall(r'id="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert ids and targets <= ids
    assert all(i.startswith("md-") for i in ids)


def test_two_different_texts_never_share_an_id():
    first, second = render_markdown("A[^1]\n\n[^1]: x"), render_markdown("B[^1]\n\n[^1]: y")
    assert not set(re.findall(r'id="([^"]+)"', first)) & set(re.findall(r'id="([^"]+)"', second))


def test_rendering_the_same_text_twice_gives_the_same_html():
    text = "# T\n\nA[^1] $x$\n\n```python\nx = 1\n```\n\n[^1]: n"
    assert render_markdown(text) == render_markdown(text)


def test_headings_start_below_the_page_headings():
    html = render_markdown("# Title\n\n## Sub\n\n###### Deep")
    assert html.startswith("<h3>Title</h3>") and "<h4>Sub</h4>" in html and "<h6>Deep</h6>" in html


def test_headings_can_start_at_another_level():
    assert render_markdown("# Title", top_heading_level=2) == "<h2>Title</h2>"


def test_style_attributes_never_reach_the_page():
    elements = parse_elements(render_markdown('<p style="color:red">x</p> [a](https://example.com)'))
    assert all(name != "style" for _, attributes in elements for name, _ in attributes)


def test_empty_text_renders_to_nothing():
    assert render_markdown("   \n") == ""


def test_texts_saved_under_the_old_limit_keep_their_formatting():
    assert render_markdown("**kept**\n\n" + "word " * 3_000).startswith("<p><strong>kept</strong></p>")


def test_text_over_the_budget_is_shown_as_plain_text_not_lost():
    text = "**not parsed** <b>\n\n" + "x" * RENDER_CEILING
    html = render_markdown(text)
    assert html.startswith("<p>**not parsed** &lt;b&gt;</p>") and html.count("x") >= RENDER_CEILING


def test_plain_text_keeps_blocks_and_cells_apart_and_decodes_entities_once():
    html = render_markdown(
        "Q&A about <b>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\nEnd[^1]\n\n[^1]: note"
    )
    assert html_to_text(html) == "Q&A about <b> a b 1 2 code End[1]"


@pytest.mark.parametrize(
    "formula",
    [
        r"$\text{<h1>Sign in again</h1>}$",
        r"$\text{<a/href=https://evil.example/>log in</a>}$",
        r"$\mbox{<section/class=footnotes>x}$",
        r"$\text{<a/href=&#32;#main>x</a>}$",
        r"$\text{<!--} after$",
        r"$\unicode{3c}b\unicode{3e}$",
    ],
)
def test_text_inside_a_formula_stays_text(formula):
    html = render_markdown(formula + " and **bold** after")
    assert {tag for tag, _ in parse_elements(html)} <= {
        "p",
        "span",
        "math",
        "mrow",
        "mstyle",
        "mtext",
        "mi",
        "mo",
        "strong",
    }
    assert "<strong>bold</strong> after" in html
    assert sanitise_html(html, id_prefix="").strip() == html


def test_symbols_in_formulas_are_characters_and_control_characters_are_replaced():
    html = render_markdown(r"$\sum_i \alpha \unicode{d}$")
    assert "<mo>∑</mo>" in html and "<mi>α</mi>" in html and "\r" not in html and "&amp;#" not in html


def test_lengths_in_formulas_are_kept_only_within_reason():
    html = render_markdown(r"$a \quad b$ and $\rule{100000em}{100000em}$ and $\hspace{-5000cm}x$")
    assert '<mspace width="1em"></mspace>' in html
    assert "100000" not in html and "5000" not in html


def test_images_with_an_upper_case_scheme_are_links_too():
    html = render_markdown("![plot](HTTPS://EXAMPLE.ORG/plot.png)")
    assert 'class="image-link"' in html and "plot (image at example.org)" in html


def test_lone_surrogates_from_a_fixture_do_not_break_rendering():
    assert render_markdown("broken \ud800 text") == "<p>broken \ufffd text</p>"


def test_highlighting_stops_after_its_budget_and_the_rest_is_plain_code():
    block = "```python\n" + "x = 1\n" * 200 + "```\n\n"
    html = render_markdown(block * 3)
    highlighted = html.count('<span class="n">x</span>')
    assert highlighted == 200 * (HIGHLIGHT_BUDGET // 1200)
    assert html.count('<code class="language-python">') == 3

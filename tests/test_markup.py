import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from readinggroup.markup import ALLOWED_TAGS, render_markdown


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


PAYLOADS = [
    line.rstrip("\n").replace("\\n", "\n")
    for line in (Path(__file__).parent / "data" / "xss-sample.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_markdown_renders_without_script_handlers_or_unsafe_links(payload):
    elements = parse_elements(render_markdown(payload))
    assert {tag for tag, _ in elements} <= ALLOWED_TAGS
    for tag, attributes in elements:
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name)
            assert name not in {"style", "target", "action", "formaction"}, (tag, name)
            if name in {"href", "src"}:
                assert value.startswith(("http://", "https://", "mailto:", "#")), value


def test_typed_html_stays_visible_as_text():
    assert render_markdown("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>"


def test_links_get_rel_nofollow_noopener_noreferrer():
    html = render_markdown("[paper](https://arxiv.org/abs/1512.03385)")
    assert 'href="https://arxiv.org/abs/1512.03385"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_mailto_links_are_kept():
    assert 'href="mailto:organisers@example.com"' in render_markdown("[mail](mailto:organisers@example.com)")


def test_fenced_code_tables_and_sane_lists_render():
    html = render_markdown("```\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n2. two\n")
    assert "<pre><code>x = 1" in html and "<table>" in html and "<ol>" in html


def test_footnote_ids_are_namespaced_and_links_still_match():
    html = render_markdown("A claim[^1].\n\n[^1]: The source.")
    ids = set(re.findall(r'id="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert ids and targets <= ids
    assert all(i.startswith("md-") for i in ids)


def test_headings_are_demoted_below_the_page_headings():
    assert render_markdown("# Title\n\n## Sub").startswith("<h3>Title</h3>")


def test_style_attributes_never_reach_the_page():
    elements = parse_elements(render_markdown('<p style="color:red">x</p> [a](https://example.com)'))
    assert all(name != "style" for _, attributes in elements for name, _ in attributes)


def test_math_stays_readable_as_text():
    assert "$E = mc^2$" in render_markdown("Energy: $E = mc^2$")


def test_empty_text_renders_to_nothing():
    assert render_markdown("   \n") == ""

"""The site's stylesheets keep to their design tokens: colours, type sizes, fonts, spacing and corners are
set once in tokens.css and only named elsewhere, so light and dark, and every page, stay one system."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[1] / "static" / "css"
TOKENS = CSS / "tokens.css"
# The site's own sheets; the admin's extras follow the admin's variables, pygments.css is generated.
SHEETS = [CSS / "components.css", CSS / "site.css", CSS / "prose.css"]
NAMED_COLOURS = (
    "white|black|red|green|blue|yellow|orange|purple|pink|brown|gray|grey|silver|maroon|olive|lime|aqua|teal|"
    "navy|fuchsia|magenta|cyan|gold|indigo|violet|coral|salmon|khaki|beige|ivory|crimson|tomato|orchid|plum|tan"
)
COLOUR = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|oklch|oklab|lab|lch|color)\(|(?<![-\w])(?:"
    + NAMED_COLOURS
    + r")(?![-\w])",
    re.I,
)
SPACING = r"(?:margin|padding)(?:-(?:top|bottom|left|right))?|gap|row-gap|column-gap"


def rules(path: Path):
    """(selector, property, value) of every declaration in the sheet, comments left out."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    for selector, body in re.findall(r"([^{}]*)\{([^{}]*)\}", css):
        for declaration in body.split(";"):
            if ":" in declaration:
                prop, value = declaration.split(":", 1)
                yield selector.strip(), prop.strip(), value.strip()


def declarations(path: Path):
    return [(prop, value) for _, prop, value in rules(path)]


def all_declarations():
    return [(sheet.name, prop, value) for sheet in SHEETS for prop, value in declarations(sheet)]


def defined_tokens() -> set[str]:
    return set(re.findall(r"(--[\w-]+)\s*:", TOKENS.read_text()))


def test_the_sheets_exist_and_say_something():
    assert TOKENS.exists()
    assert all(len(list(declarations(sheet))) > 20 for sheet in SHEETS)


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda path: path.name)
def test_no_colour_is_written_outside_the_tokens(sheet):
    found = [(prop, value) for prop, value in declarations(sheet) if COLOUR.search(value)]
    assert found == []


def test_every_token_named_is_defined_in_tokens_css():
    defined = defined_tokens()
    named = {name for sheet in SHEETS for name in re.findall(r"var\((--[\w-]+)", sheet.read_text())}
    assert named - defined == set()


def test_the_dark_scheme_only_redefines_colour_tokens_that_exist_in_light():
    text = TOKENS.read_text()
    light, dark = text.split("@media (prefers-color-scheme: dark)", 1)
    assert set(re.findall(r"(--[\w-]+)\s*:", dark)) <= set(re.findall(r"(--[\w-]+)\s*:", light))


def test_font_sizes_come_from_the_type_scale():
    for sheet in SHEETS:
        for selector, prop, value in rules(sheet):
            if prop == "font-size" and selector != ":root":  # the root size sets what a rem is
                assert re.fullmatch(r"var\(--text-[\w-]+\)|[\d.]+em|inherit|100%", value), (sheet.name, value)


def test_fonts_are_the_two_stacks():
    for sheet, prop, value in all_declarations():
        if prop == "font-family":
            assert value in {"var(--font-text)", "var(--font-mono)"}, (sheet, value)
        if prop == "font" and value != "inherit":
            assert re.fullmatch(r"(?:\d00 )?var\(--text-[\w-]+\) var\(--font-(?:text|mono)\)", value), (sheet, value)


def test_spacing_comes_from_the_spacing_scale():
    token = r"var\(--(?:space-\d|indent-step)\)"
    step = rf"0|auto|-?1px|[\d.]+em|{token}|calc\((?:-1 \* )?{token}(?: \* \d)?\)"
    for sheet, prop, value in all_declarations():
        if re.fullmatch(SPACING, prop):
            for part in re.findall(r"calc\((?:[^()]|\([^()]*\))*\)|\S+", value):
                assert re.fullmatch(step, part), (sheet, prop, value)


def test_corners_come_from_the_radius_tokens():
    for sheet, prop, value in all_declarations():
        if prop == "border-radius":
            assert all(re.fullmatch(r"0|50%|var\(--radius(?:-[\w]+)?\)", part) for part in value.split()), (
                sheet,
                value,
            )

"""Names members are seen by: display names and the usernames chosen at sign-up.

A name must not be able to pass for someone else's. A display name is NFKC-normalised with its whitespace
collapsed; format characters (bidi overrides, zero-width characters) and other control characters are
refused, and so is a name that shows nothing. No display name or new username may look like another
member's display name or username: names are compared by *skeletons* (NFKC, the Unicode confusables
mapping, case folded), so ``Ada``, ``ADA`` and ``Аda`` with a Cyrillic ``А`` all collide.

The confusables table comes from confusable_homoglyphs, which ships Unicode's confusables.txt as pairs
(look-alike, prototype); the pairs of one prototype are gathered here into a single representative.
"""

import unicodedata
from functools import cache

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from members.models import Profile

# Categories never allowed in a name: controls, format characters (U+200B, U+202E, U+2066…), surrogates,
# private use, unassigned code points, line and paragraph separators.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Letters that render as nothing at all (Hangul fillers, the braille blank): they do not count as visible.
BLANK_LOOKING = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
DIRECTION_MARKS = "\u200e\u200f"
USERNAME_PATTERN = r"\A[A-Za-z0-9._-]+\Z"


def _character_label(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def display_name_normalise(value: str) -> str:
    """NFKC, every run of whitespace (line breaks too: a name is one line) a single space, stripped."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def display_name_check(value: str) -> None:
    """Refuse invisible and control characters, and a name with nothing visible in it."""
    refused = sorted({char for char in value if unicodedata.category(char) in REFUSED_CATEGORIES})
    if refused:
        raise ValidationError(
            "A name cannot contain invisible or control characters (such as text-direction overrides or "
            "zero-width spaces); remove %(characters)s.",
            code="invisible_character",
            params={"characters": ", ".join(_character_label(char) for char in refused)},
        )
    if value and not any(unicodedata.category(char)[0] in "LNPS" and char not in BLANK_LOOKING for char in value):
        raise ValidationError(
            "A name needs at least one visible letter, digit or sign. Leave it empty to be shown by your username.",
            code="blank",
        )


@cache
def _representatives() -> dict[str, str]:
    """Each confusable character mapped to one representative of its look-alikes (the prototype of
    confusables.txt where it can be told: the multi-character one, else the one with most look-alikes)."""
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    degree: dict[str, int] = {}
    for key, homoglyphs in confusables_data.items():
        # The table keeps the left-to-right marks that its comments put around right-to-left letters.
        char = key.strip(DIRECTION_MARKS)
        for homoglyph in homoglyphs:
            other = homoglyph["c"].strip(DIRECTION_MARKS)
            if not char or not other:
                continue
            degree[char] = degree.get(char, 0) + 1
            degree.setdefault(other, 0)
            parent[find(char)] = find(other)
    groups: dict[str, list[str]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    mapping = {}
    for members in groups.values():
        representative = min(
            members, key=lambda node: (len(node) == 1, -degree[node], not node.isascii(), [ord(c) for c in node])
        )
        mapping.update({node: representative for node in members if len(node) == 1})
    return mapping


def _map_confusables(value: str) -> str:
    representatives = _representatives()
    return "".join(representatives.get(char, char) for char in value)


def name_skeletons(value: str) -> tuple[str, str]:
    """Two forms of a name; two names look alike when either form is the same, e.g. ``Аda`` and ``ada``.
    Case folded first (``OLIVIA`` and ``Olivia``: the capital I is a look-alike of l, the small i is not),
    and look-alikes mapped first (``biII`` and ``bill``)."""
    value = display_name_normalise(value)
    return (
        _map_confusables(_map_confusables(value.casefold()).casefold()),
        _map_confusables(_map_confusables(value).casefold()),
    )


def names_look_alike(first: str, second: str) -> bool:
    return _skeletons_match(name_skeletons(first), second)


def _skeletons_match(skeletons: tuple[str, str], other: str) -> bool:
    return any(a == b for a, b in zip(skeletons, name_skeletons(other), strict=True))


def name_taken_check(value: str, *, user=None, skip_same_username: bool = False) -> None:
    """Refuse ``value`` when it looks like another member's display name or username (``user`` is the
    member choosing it, whose own names do not count). Every name is compared: fine for a reading group;
    a far larger site would store the skeleton in an indexed column."""
    if not display_name_normalise(value):
        return
    skeletons = name_skeletons(value)
    users = get_user_model().objects.all()
    profiles = Profile.objects.exclude(display_name="")
    if user is not None and user.pk is not None:
        users, profiles = users.exclude(pk=user.pk), profiles.exclude(user_id=user.pk)
    usernames = users.values_list(get_user_model().USERNAME_FIELD, flat=True)
    for username in usernames:
        if skip_same_username and username.casefold() == value.casefold():
            continue  # an exact duplicate: allauth's own "already registered" message says it
        if _skeletons_match(skeletons, username):
            raise ValidationError(
                "This name is too close to another member's username. Please choose another.", code="name_taken"
            )
    for display_name in profiles.values_list("display_name", flat=True):
        if _skeletons_match(skeletons, display_name):
            raise ValidationError(
                "This name is too close to another member's display name. Please choose another.",
                code="name_taken",
            )


def display_name_clean(value: str, *, user) -> str:
    """The display name ``user`` may take, normalised; raises ``ValidationError`` otherwise. An empty
    name is allowed: the member is then shown by their username."""
    value = display_name_normalise(value)
    display_name_check(value)
    if value:
        name_taken_check(value, user=user)
    return value


def username_not_confusable(value: str) -> None:
    """Sign-up: the new username must not look like an existing member's username or display name."""
    name_taken_check(value, skip_same_username=True)


# allauth's ACCOUNT_USERNAME_VALIDATORS: at sign-up only, so existing accounts keep their usernames.
USERNAME_VALIDATORS = [
    RegexValidator(
        USERNAME_PATTERN,
        "Use only the letters A-Z and a-z, digits, and the characters . _ - in a username.",
        code="invalid_username",
    ),
    username_not_confusable,
]

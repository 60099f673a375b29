"""Avatars are drawn here from the member's name: initials and a colour that stays theirs."""

import pytest

from members import avatars


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ada Lovelace", "AL"), ("grace", "G"), ("Jean-Luc  Picard Third", "JP"), ("  ", "?"), ("Łukasz żak", "ŁŻ")],
)
def test_initials_are_the_first_letters_of_the_first_two_words(name, expected):
    assert avatars.initials(name) == expected


def test_a_members_colour_is_the_same_in_every_process_and_one_of_the_few():
    assert avatars.hue("ada") == avatars.hue("ada")
    assert {avatars.hue(f"member{n}") for n in range(200)} == set(range(avatars.HUES))

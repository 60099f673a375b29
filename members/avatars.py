"""Avatars drawn from a member's name: their initials on one of a few colours, chosen from the username
so a member keeps theirs everywhere. Nothing is fetched from another site (no Gravatar): the page stays
within the CSP, and no one learns who reads which page."""

import hashlib

HUES = 8  # .avatar-hue-0 … -7 in static/css/site.css


def initials(name: str) -> str:
    """Up to two letters: the first of the first two words ("Ada Lovelace" → "AL", "grace" → "G")."""
    words = [word for word in name.split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or name.strip()[:1]
    return letters.upper() or "?"


def hue(username: str) -> int:
    """The same colour for the same member in every process (``hash()`` differs between runs)."""
    return hashlib.blake2s(username.encode(), digest_size=2).digest()[0] % HUES

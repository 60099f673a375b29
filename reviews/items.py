"""A review's confusions and discussion questions as items with a stable identity, and where in the paper
each one is about.

Each top-level list item (or paragraph, when a part has no list) of *Confusions* and *Discussion
questions* is an item (``core.markup.top_level_items``, on the renderer's own tokens). When the review is
saved again, an item whose text is unchanged, or only lightly edited, keeps its identity wherever it moved,
so votes and answers stay with it; an item that is gone is retired, not deleted.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils import timezone

from core.markup import top_level_items
from reviews.models import Review, ReviewItem

# How alike an edited item must be to the one it was (difflib's ratio; a fixed typo is about 0.95,
# a rewritten sentence well under 0.6).
SAME_ITEM_RATIO = 0.75

PART_OF_KIND = {ReviewItem.Kind.CONFUSION: "confusions", ReviewItem.Kind.QUESTION: "questions"}

_NUMBER = r"(\d+(?:\.\d+)*)"
# (kind, label, pattern): the first mention in an item's text, in reading order, is its place.
PLACE_PATTERNS = [
    ("section", "Section {}", rf"§\s*{_NUMBER}|\b(?:sections?|sect?\.)\s*{_NUMBER}"),
    ("equation", "Eq. ({})", rf"\b(?:equations?|eqs?\.?)\s*\(?{_NUMBER}\)?"),
    ("figure", "Fig. {}", r"\b(?:figures?|figs?\.?)\s*(\d+[a-z]?)"),
    ("table", "Table {}", rf"\b(?:tables?|tab\.)\s*{_NUMBER}"),
    ("algorithm", "Algorithm {}", rf"\b(?:algorithms?|alg\.)\s*{_NUMBER}"),
    ("appendix", "Appendix {}", r"\bappendix\s+([A-Z](?:\.\d+)*)\b"),
    ("page", "p. {}", r"\b(?:pages?|pp?\.)\s*(\d+)"),
]
PLACE_EXAMPLES = "Section 3.2 (or §3.2), Eq. (4), Fig. 2, Table 1, Algorithm 1, Appendix B, p. 5"
_PLACES = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, _, pattern in PLACE_PATTERNS]
_LABELS = {kind: label for kind, label, _ in PLACE_PATTERNS}
_PAPER = re.compile(r"\bpaper\s+(\d+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    kind: str
    number: str

    @property
    def key(self) -> str:
        return f"{self.kind} {self.number.lower()}"

    @property
    def label(self) -> str:
        return _LABELS[self.kind].format(self.number.upper() if self.kind == "appendix" else self.number)


def place_in(text: str) -> Place | None:
    """The first place in the paper ``text`` names ("§3.2", "Section 3.2", "Eq. (4)", "Fig. 2", "Table 1",
    "p. 5", "Algorithm 1", "Appendix B"), normalised, or None."""
    found = []
    for kind, pattern in _PLACES:
        if match := pattern.search(text):
            found.append((match.start(), kind, next(group for group in match.groups() if group)))
    if not found:
        return None
    _, kind, number = min(found)
    return Place(kind=kind, number=number)


def paper_in(text: str, papers: list) -> object | None:
    """The paper of ``papers`` (a review scope's) the text is about: the only one, or the one it names
    ("Paper 2"), or None."""
    if len(papers) == 1:
        return papers[0]
    named = {int(number) for number in _PAPER.findall(text)}
    matching = [paper for paper in papers if paper.position in named]
    return matching[0] if len(matching) == 1 else None


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def _matched(old: list[ReviewItem], texts: list[str]) -> dict[int, ReviewItem]:
    """Which existing item each new text is: equal texts first, then the most alike pairs above
    ``SAME_ITEM_RATIO``, each item at most once."""
    matched: dict[int, ReviewItem] = {}
    free = list(old)
    for index, text in enumerate(texts):
        same = next((item for item in free if _normalised(item.text) == _normalised(text)), None)
        if same is not None:
            matched[index] = same
            free.remove(same)
    pairs = sorted(
        (
            (SequenceMatcher(None, _normalised(item.text), _normalised(text)).ratio(), index, item.pk)
            for index, text in enumerate(texts)
            if index not in matched
            for item in free
        ),
        reverse=True,
    )
    by_pk = {item.pk: item for item in free}
    for ratio, index, pk in pairs:
        if ratio < SAME_ITEM_RATIO:
            break
        if index not in matched and pk in by_pk:
            matched[index] = by_pk.pop(pk)
    return matched


def _stored(item: ReviewItem) -> tuple:
    return (item.position, item.text, item.retired_at, item.place_key, item.place_label, item.paper_id)


def review_items_sync(*, review: Review) -> list[ReviewItem]:
    """Bring ``review``'s items in line with its confusions and questions (call inside the transaction
    that saves it); returns its current items."""
    papers = list(review.scope.papers.order_by("position"))
    existing = list(review.items.all())
    now = timezone.now()
    current = []
    for kind, part in PART_OF_KIND.items():
        texts = top_level_items(getattr(review, part))
        old = [item for item in existing if item.kind == kind]
        matched = _matched(old, texts)
        for position, text in enumerate(texts):
            item = matched.get(position) or ReviewItem(review=review, kind=kind)
            before = _stored(item)
            item.position, item.text, item.retired_at = position, text, None
            if not item.place_set_by_author:
                place = place_in(text)
                item.place_key, item.place_label = (place.key, place.label) if place else ("", "")
                item.paper = paper_in(text, papers)
            if item.pk is None or _stored(item) != before:  # an unchanged item is neither rendered nor written
                item.save()
            current.append(item)
        kept = {item.pk for item in matched.values()}
        retired = [item for item in old if item.pk not in kept and item.retired_at is None]
        for item in retired:
            item.retired_at = now
            item.save(update_fields=["retired_at", "updated"])
        if retired:
            detach_duplicates(of_items=retired)
    return current


def detach_duplicates(*, of_items) -> None:
    """Items merged into items that leave the agenda (retired, or their review unpublished) stand on
    their own again, rather than vanish with them."""
    ReviewItem.objects.filter(merged_into__in=of_items).update(merged_into=None, updated=timezone.now())

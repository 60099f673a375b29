"""A review's confusions and questions as agenda items: one per top-level list item (or paragraph), each
keeping its identity through edits, with the place in the paper it is about."""

import pytest

from core.markup import top_level_items
from reviews.items import paper_in, place_in
from reviews.models import ReviewItem
from reviews.services import review_save
from tests.factories import PaperFactory, ReviewScopeFactory

pytestmark = pytest.mark.django_db

QUESTIONS = "Anything to ask?"


def save(scope, author, confusions, questions=QUESTIONS, review=None):
    parts = {"summary": "A summary.", "confusions": confusions, "questions": questions}
    return review_save(
        scope=scope, author=author, parts=parts, version=review.version if review else None, publish=True
    )


def items_of(review, kind=ReviewItem.Kind.CONFUSION):
    return list(review.items.filter(kind=kind, retired_at__isnull=True).order_by("position"))


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("- one\n- two\n  continued\n  - nested\n- three", ["one", "two\ncontinued\n- nested", "three"]),
        ("1. first\n2) second", ["first", "second"]),
        ("A paragraph\non two lines.\n\nAnother one.", ["A paragraph\non two lines.", "Another one."]),
        ("Some context.\n\n* the list wins\n* over paragraphs", ["the list wins", "over paragraphs"]),
        ("", []),
        ("```\ncode only\n```", []),
    ],
)
def test_items_are_the_top_level_list_items_or_else_the_paragraphs(text, items):
    assert top_level_items(text) == items


@pytest.mark.parametrize(
    ("text", "label", "key"),
    [
        ("I got lost in §3.2, where", "Section 3.2", "section 3.2"),
        ("Section 3.2 of Paper 2", "Section 3.2", "section 3.2"),
        ("sec. 4 assumes", "Section 4", "section 4"),
        ("Why does Eq. (4) hold?", "Eq. (4)", "equation 4"),
        ("equation 12, then Fig. 2", "Eq. (12)", "equation 12"),
        ("The axes of Figure 2b", "Fig. 2b", "figure 2b"),
        ("Table 1 has no units", "Table 1", "table 1"),
        ("On p. 5 they say", "p. 5", "page 5"),
        ("page 7", "p. 7", "page 7"),
        ("Algorithm 1, line 3", "Algorithm 1", "algorithm 1"),
        ("the proof in appendix b", "Appendix B", "appendix b"),
    ],
)
def test_the_place_in_the_paper_is_recognised_and_normalised(text, label, key):
    place = place_in(text)
    assert (place.label, place.key) == (label, key)


def test_text_without_a_place_has_none():
    assert place_in("Why does this work at all?") is None


def test_the_paper_is_the_scopes_only_one_or_the_one_named(week):
    one, two = PaperFactory(week=week, position=1), PaperFactory(week=week, position=2)
    assert paper_in("Section 2", [one]) == one
    assert paper_in("Section 2 of Paper 2", [one, two]) == two
    assert paper_in("Section 2", [one, two]) is None
    assert paper_in("Paper 1 versus Paper 2", [one, two]) is None


def test_saving_a_review_makes_its_items_with_places(week, member):
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1), PaperFactory(week=week, position=2))
    review = save(scope, member, "- What is §3.2 of Paper 2 doing?\n- Eq. (4) of Paper 1", "1. Why LSTMs?")
    confusions = items_of(review)
    assert [(item.text, item.place_label, item.paper.position) for item in confusions] == [
        ("What is §3.2 of Paper 2 doing?", "Section 3.2", 2),
        ("Eq. (4) of Paper 1", "Eq. (4)", 1),
    ]
    assert "<p>Why LSTMs?</p>" in items_of(review, ReviewItem.Kind.QUESTION)[0].text_html


def test_items_keep_their_identity_through_reordering_a_typo_fix_and_a_deletion(week, member):
    scope = ReviewScopeFactory(week=week, position=1)
    review = save(
        scope,
        member,
        "- Why is the forget gate initialised to one?\n- What does Table 2 compare?\n- How is dropout applied here?",
    )
    gate, table, dropout = items_of(review)
    review = save(
        scope,
        member,
        "- How is dropout applied here?\n- Why is the forget gate initalised to 1?\n- A new question about Fig. 3",
        review=review,
    )
    now = items_of(review)
    assert [item.pk for item in now[:2]] == [dropout.pk, gate.pk]  # moved, and a typo fixed
    assert now[1].text == "Why is the forget gate initalised to 1?"
    assert now[2].pk not in {gate.pk, table.pk, dropout.pk} and now[2].place_label == "Fig. 3"
    table.refresh_from_db()
    assert table.retired_at is not None  # gone from the review, kept for what points at it
    review = save(scope, member, "- What does Table 2 compare?", review=review)
    assert [item.pk for item in items_of(review)] == [table.pk]  # back again: the same item


def test_organisers_see_the_items_of_published_reviews_in_the_admin(organiser_client, week, member, other_member):
    scope = ReviewScopeFactory(week=week, position=1)
    published = save(scope, member, "- Published confusion about Table 3\n- Another one")
    review_save(
        scope=scope,
        author=other_member,
        parts={"summary": "Draft.", "confusions": "- Draft-only confusion", "questions": ""},
        version=None,
    )
    save(scope, member, "- Another one", review=published)  # the first is retired
    page = organiser_client.get("/admin/reviews/reviewitem/").content.decode()
    assert "Another one" in page and "Anything to ask?" in page
    assert "Published confusion" not in page and "Draft-only confusion" not in page
    filtered = organiser_client.get("/admin/reviews/reviewitem/", {"kind__exact": "question"}).content.decode()
    assert "Anything to ask?" in filtered and "Another one" not in filtered


def test_members_vote_on_what_they_may_read_never_on_their_own(week, member, other_member, unverified_user):
    from django.core.exceptions import PermissionDenied

    from reviews.services import item_vote_toggle

    scope = ReviewScopeFactory(week=week, position=1)
    confusion = items_of(save(scope, member, "- Why does §2 work?"))[0]
    with pytest.raises(PermissionDenied):
        item_vote_toggle(item=confusion, member=member)  # their own
    with pytest.raises(PermissionDenied):
        item_vote_toggle(item=confusion, member=other_member)  # hidden by the write-first rule
    with pytest.raises(PermissionDenied):
        item_vote_toggle(item=confusion, member=unverified_user)
    save(scope, other_member, "- Something else")
    assert item_vote_toggle(item=confusion, member=other_member) is True
    assert confusion.votes.count() == 1
    assert item_vote_toggle(item=confusion, member=other_member) is False  # taken back
    assert confusion.votes.count() == 0


def test_a_retired_item_takes_no_votes_and_keeps_the_ones_it_has(week, member, other_member):
    from django.core.exceptions import PermissionDenied

    from reviews.services import item_vote_toggle

    scope = ReviewScopeFactory(week=week, position=1)
    save(scope, other_member, "- Mine")
    review = save(scope, member, "- Why does §2 work?")
    confusion = items_of(review)[0]
    item_vote_toggle(item=confusion, member=other_member)
    save(scope, member, "- A different confusion altogether, about Table 9", review=review)
    confusion.refresh_from_db()
    assert confusion.retired_at is not None and confusion.votes.count() == 1
    with pytest.raises(PermissionDenied):
        item_vote_toggle(item=confusion, member=other_member)


def test_saving_a_review_again_leaves_its_unchanged_items_alone(week, member, django_assert_max_num_queries):
    scope = ReviewScopeFactory(week=week, position=1)
    review = save(scope, member, "\n".join(f"- Confusion {n} about Table {n}" for n in range(8)))
    first = {item.pk: item.updated for item in items_of(review)}
    from reviews.items import review_items_sync

    with django_assert_max_num_queries(2):  # the scope's papers and the review's items, nothing written
        review_items_sync(review=review)
    assert {item.pk: item.updated for item in items_of(review)} == first

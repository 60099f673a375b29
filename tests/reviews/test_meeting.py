"""The meeting's side of the agenda: organisers pin, reorder, merge duplicates, pick and answer items and
write the week's notes; authors say where their items are about; members see what became of theirs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from papers.models import Week
from reviews.models import ItemVote, ReviewItem
from reviews.services import review_save
from tests.factories import PaperFactory, ReviewScopeFactory, UserFactory, WeekFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db


def publish(scope, author, confusions, questions="- What next?"):
    parts = {"summary": "A summary.", "confusions": confusions, "questions": questions}
    return review_save(scope=scope, author=author, parts=parts, version=None, publish=True)


def item_of(author, position=0, kind="confusion") -> ReviewItem:
    return ReviewItem.objects.get(review__author=author, kind=kind, position=position)


def agenda_of(client, week):
    response = client.get(reverse("reviews:week_agenda", args=[week.number]))
    assert response.status_code == 200
    return response.context["agenda"]


def post(client, name, item, data=None, follow=False):
    return client.post(reverse(f"reviews:{name}", args=[item.pk]), data or {}, follow=follow)


@pytest.fixture
def writers(scope, author, member, other_member):
    publish(scope, author, "- Why does the gradient vanish in Section 2?\n- What is Eq. (3) for?")
    publish(scope, member, "- Why do gradients vanish in Section 2?")
    publish(scope, other_member, "- Is Fig. 1 drawn to scale?")
    return author, member, other_member


def test_pinned_items_come_first_in_the_order_the_organiser_sets(client, scope, writers, organiser):
    author, member, other = writers
    first, second, third = item_of(author, 1), item_of(other), item_of(author, 0)
    client.force_login(organiser)
    for item in (first, second, third):
        assert post(client, "item_pin", item).status_code == 302
    assert [item.pk for item in agenda_of(client, scope.week).pinned] == [first.pk, second.pk, third.pk]
    response = post(client, "item_move", third, {"direction": "up"}, follow=True)
    assert f"Item #{third.pk} moved up." in response.content.decode()
    post(client, "item_move", first, {"direction": "down"})
    pinned = agenda_of(client, scope.week)
    assert [item.pk for item in pinned.pinned] == [third.pk, first.pk, second.pk]
    assert all(item.pk not in {first.pk, second.pk, third.pk} for group in pinned.groups for item in group.items)
    post(client, "item_pin", first)
    assert [item.pk for item in agenda_of(client, scope.week).pinned] == [third.pk, second.pk]


def test_merging_duplicates_adds_their_votes_and_keeps_both_texts(client, scope, writers, organiser):
    author, member, other = writers
    original, duplicate = item_of(author, 0), item_of(member, 0)
    voters = [UserFactory(username=f"voter{n}") for n in range(3)]
    ItemVote.objects.create(item=original, member=voters[0])
    ItemVote.objects.create(item=original, member=voters[1])
    ItemVote.objects.create(item=duplicate, member=voters[1])  # counted once
    ItemVote.objects.create(item=duplicate, member=voters[2])
    ItemVote.objects.create(item=duplicate, member=author)  # the target's author: not on their own item
    client.force_login(organiser)
    response = post(client, "item_merge", duplicate, {"into": original.pk}, follow=True)
    assert f"Item #{duplicate.pk} is merged into #{original.pk}" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"#item-{original.pk}")
    agenda = agenda_of(client, scope.week)
    shown = {item.pk: item for item in agenda.items}
    assert duplicate.pk not in shown
    assert shown[original.pk].vote_count == 3
    assert [item.pk for item in shown[original.pk].shown_duplicates] == [duplicate.pk]
    page = response.content.decode()
    assert "Why does the gradient vanish" in page and "Why do gradients vanish" in page
    assert "3 members also confused" in page


def test_merging_into_a_merged_item_goes_to_its_target_and_other_scopes_are_refused(client, scope, writers, organiser):
    author, member, other = writers
    client.force_login(organiser)
    post(client, "item_merge", item_of(member), {"into": item_of(author).pk})
    post(client, "item_merge", item_of(other), {"into": item_of(member).pk})
    assert item_of(other).merged_into == item_of(author)
    for elsewhere in (
        ReviewScopeFactory(week=WeekFactory(number=9), position=1),
        ReviewScopeFactory(week=scope.week, position=2),
    ):
        writer = UserFactory()
        publish(elsewhere, writer, "- Far away")
        response = post(client, "item_merge", item_of(writer), {"into": item_of(author, 1).pk}, follow=True)
        assert "only items of one scope merge" in response.content.decode()
    response = post(client, "item_merge", item_of(author, 1), {"into": 999999}, follow=True)
    assert "There is no item #999999 on the agenda." in response.content.decode()
    assert ReviewItem.objects.filter(merged_into__isnull=False).count() == 2


def test_a_merged_duplicate_from_a_scope_still_hidden_is_not_shown_under_its_target(client, week, organiser):
    open_scope, hidden_scope = ReviewScopeFactory(week=week, position=1), ReviewScopeFactory(week=week, position=2)
    reader, writer = UserFactory(username="reader"), UserFactory(username="writer")
    publish(open_scope, writer, "- Shown-confusion")
    publish(hidden_scope, writer, "- Hidden-scope-duplicate")
    publish(open_scope, reader, "- Mine")
    target = ReviewItem.objects.get(text="Shown-confusion")
    duplicate = ReviewItem.objects.get(text="Hidden-scope-duplicate")
    client.force_login(organiser)
    post(client, "item_merge", duplicate, {"into": target.pk})
    client.force_login(reader)
    page = client.get(reverse("reviews:week_agenda", args=[week.number])).content.decode()
    assert "Shown-confusion" in page and "Hidden-scope-duplicate" not in page


def test_picked_and_answered_items_show_to_everyone_and_their_authors_see_theirs_answered(
    client, scope, writers, organiser
):
    author, member, other = writers
    answered, picked = item_of(author, 0), item_of(author, 1)
    client.force_login(organiser)
    post(client, "item_merge", item_of(member), {"into": answered.pk})
    note = "Because of the *chain rule*. <script>alert(1)</script> [more](javascript:alert(1))"
    response = post(client, "item_outcome", answered, {"outcome": "answered", "answer": note}, follow=True)
    assert f"Item #{answered.pk}: answered." in response.content.decode()
    post(client, "item_outcome", picked, {"outcome": "picked"})
    client.force_login(member)
    response = client.get(reverse("reviews:week_agenda", args=[scope.week.number]))
    page = response.content.decode()
    assert "Answered at the meeting" in page and "<em>chain rule</em>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "Picked for the meeting" in page
    # The member's own item was merged into the answered one: it is answered too.
    mine = response.context["agenda"]
    assert [item.pk for item in mine.mine] == [item_of(member).pk, item_of(member, kind="question").pk]
    assert mine.mine_answered == 1
    assert "1 answered at the meeting" in page


def test_a_quick_pick_keeps_the_answer_note_and_reopening_loses_nothing(client, scope, writers, organiser):
    item = item_of(writers[0])
    client.force_login(organiser)
    post(client, "item_outcome", item, {"outcome": "answered", "answer": "Kept note"})
    post(client, "item_outcome", item, {"outcome": "picked"})
    post(client, "item_outcome", item, {"outcome": ""})
    item.refresh_from_db()
    assert (item.outcome, item.answer) == ("", "Kept note")


def test_a_too_long_answer_is_refused_with_the_text_kept(client, scope, writers, organiser, settings):
    from core.markup import MARKDOWN_MAX_LENGTH

    item = item_of(writers[0])
    client.force_login(organiser)
    text = "Long answer " + "x" * MARKDOWN_MAX_LENGTH
    response = post(client, "item_outcome", item, {"outcome": "answered", "answer": text})
    assert response.status_code == 400 and text in response.content.decode()
    item.refresh_from_db()
    assert item.outcome == ""


def test_members_cannot_run_the_agenda(client, scope, writers):
    author, member, other = writers
    item = item_of(author)
    client.force_login(member)
    for name, data in [
        ("item_pin", {}),
        ("item_move", {"direction": "up"}),
        ("item_merge", {"into": item_of(other).pk}),
        ("item_outcome", {"outcome": "answered", "answer": "Mine now"}),
    ]:
        assert post(client, name, item, data).status_code == 403
    item.refresh_from_db()
    assert (item.pin_order, item.outcome, item.answer, item.duplicates.count()) == (None, "", "", 0)
    page = client.get(reverse("reviews:week_agenda", args=[scope.week.number])).content.decode()
    assert "Pin</button>" not in page and "Merge…" not in page
    assert client.get(reverse("reviews:meeting_notes", args=[scope.week.number])).status_code == 403


def test_an_author_moves_their_item_to_another_place_and_a_re_save_keeps_it(client, week, member):
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1), PaperFactory(week=week, position=2, title="Second"))
    publish(scope, member, "- Section 3 is unclear")
    item = item_of(member)
    client.force_login(member)
    url = reverse("reviews:item_place", args=[item.pk])
    assert "Section 3" in client.get(url).content.decode()
    response = client.post(url, {"paper": "2", "place": "eq 7"}, follow=True)
    assert "Your item is now about Eq. (7)." in response.content.decode()
    groups = response.context["agenda"].groups
    assert (groups[0].paper.position, groups[0].place_label) == (2, "Eq. (7)")
    assert [item.pk for item in groups[0].items] == [item.pk]
    review_save(
        scope=scope,
        author=member,
        parts={"summary": "Edited.", "confusions": "- Section 3 is unclear!", "questions": ""},
        version=member.reviews.get().version,
        publish=True,
    )
    item.refresh_from_db()
    assert (item.paper.position, item.place_label) == (2, "Eq. (7)")
    # Empty: back to what the text says.
    client.post(url, {"paper": "", "place": ""})
    item.refresh_from_db()
    assert (item.paper, item.place_label, item.place_set_by_author) == (None, "Section 3", False)


def test_an_unknown_place_is_refused_with_the_text_kept(client, scope, member):
    publish(scope, member, "- Unclear")
    client.force_login(member)
    response = client.post(reverse("reviews:item_place", args=[item_of(member).pk]), {"place": "the bit with cats"})
    page = response.content.decode()
    assert response.status_code == 400 and "the bit with cats" in page and "not a place the agenda knows" in page


def test_only_the_author_changes_an_items_place(client, scope, writers):
    author, member, other = writers
    client.force_login(member)
    response = client.post(reverse("reviews:item_place", args=[item_of(author).pk]), {"place": "p. 3"})
    assert response.status_code == 404  # as for an item that does not exist
    assert item_of(author).place_label == "Section 2"


def test_meeting_notes_start_from_the_answered_items_and_show_on_the_week_page(client, scope, writers, organiser):
    author, member, other = writers
    answered = item_of(author)
    client.force_login(organiser)
    post(client, "item_outcome", answered, {"outcome": "answered", "answer": "The chain rule."})
    url = reverse("reviews:meeting_notes", args=[scope.week.number])
    form = client.get(url).context["form"]
    skeleton = form.initial["notes"]
    assert "## Answered" in skeleton
    assert f"[#{answered.pk}](/weeks/{scope.week.number}/agenda/#item-{answered.pk})" in skeleton
    response = client.post(url, {"notes": skeleton + "\nWe agreed on [it](javascript:alert(1)).", "version": 0})
    assert response.status_code == 302 and response["Location"].endswith("#meeting-notes")
    Week.objects.filter(pk=scope.week.pk).update(meeting_at=timezone.now() - timezone.timedelta(hours=1))
    client.force_login(member)
    week_page = client.get(scope.week.get_absolute_url()).content.decode()
    assert (
        'id="meeting-notes"' in week_page
        and f'href="/weeks/{scope.week.number}/agenda/#item-{answered.pk}"' in week_page
    )
    assert 'href="javascript' not in week_page
    agenda_page = client.get(reverse("reviews:week_agenda", args=[scope.week.number])).content.decode()
    assert f'href="/weeks/{scope.week.number}/#meeting-notes">Meeting notes</a>' in agenda_page


def test_a_stale_edit_of_the_notes_is_refused_with_the_text_kept(client, scope, organiser):
    client.force_login(organiser)
    url = reverse("reviews:meeting_notes", args=[scope.week.number])
    client.post(url, {"notes": "First organiser's notes", "version": 0})
    response = client.post(url, {"notes": "Second organiser's notes", "version": 0})
    page = response.content.decode()
    assert response.status_code == 409 and "changed elsewhere" in page
    assert "Second organiser&#x27;s notes" in page and "First organiser&#x27;s notes" in page
    assert Week.objects.get(pk=scope.week.pk).meeting_notes == "First organiser's notes"
    response = client.post(
        url, {"notes": "Second organiser's notes", "version": response.context["form"].data["version"]}
    )
    assert response.status_code == 302
    assert Week.objects.get(pk=scope.week.pk).meeting_notes == "Second organiser's notes"


def test_the_markdown_export_carries_pins_outcomes_answers_and_duplicates(client, scope, writers, organiser):
    author, member, other = writers
    target = item_of(author)
    client.force_login(organiser)
    post(client, "item_merge", item_of(member), {"into": target.pk})
    post(client, "item_pin", target)
    post(client, "item_outcome", target, {"outcome": "answered", "answer": "Chain\nrule."})
    text = client.get(reverse("reviews:week_agenda_markdown", args=[scope.week.number])).content.decode()
    pinned = text.split("## Pinned by the organisers", 1)[1].split("\n## ", 1)[0]
    assert f"**#{target.pk} Confusion** (Paper 1, Section 2; author; no one else yet) *answered*: " in pinned
    assert f"  - Also raised by member (#{item_of(member).pk}): Why do gradients vanish in Section 2?" in pinned
    assert "  - Answer: Chain rule." in pinned


def test_agenda_queries_stay_flat_with_pins_merges_and_answers(client, scope, organiser, member):
    publish(scope, member, "- Mine")
    url = reverse("reviews:week_agenda", args=[scope.week.number])

    def add_writers(count, start):
        for n in range(start, start + count):
            writer = UserFactory(username=f"writer{n}")
            publish(scope, writer, f"- Item {n} on Table {n}\n- Its twin {n}")
            first, twin = item_of(writer, 0), item_of(writer, 1)
            ReviewItem.objects.filter(pk=twin.pk).update(merged_into=first)
            ReviewItem.objects.filter(pk=first.pk).update(pin_order=n, outcome="answered", answer_html="<p>A</p>")
            ItemVote.objects.create(item=first, member=member)

    def queries_of_each(*users):
        counts = []
        for user in users:
            client.force_login(user)
            counts.append(queries_for(client, url))
        return counts

    add_writers(1, 0)
    small = queries_of_each(member, organiser)
    add_writers(10, 1)
    assert queries_of_each(member, organiser) == small


def test_the_notes_quote_the_agenda_so_only_the_group_reads_them_once_the_meeting_started(
    client, scope, writers, organiser
):
    author, member, other = writers
    client.force_login(organiser)
    url = reverse("reviews:meeting_notes", args=[scope.week.number])
    client.post(url, {"notes": "Notes-marker: why does the gradient vanish?", "version": 0})
    locked = UserFactory(username="locked")  # has not written, before the meeting: the write-first rule holds

    def sees_notes(user) -> bool:
        client.logout()
        if user is not None:
            client.force_login(user)
        return "Notes-marker" in client.get(scope.week.get_absolute_url()).content.decode()

    assert sees_notes(organiser) and not sees_notes(locked) and not sees_notes(None)
    Week.objects.filter(pk=scope.week.pk).update(meeting_at=timezone.now() - timezone.timedelta(hours=1))
    assert sees_notes(locked) and sees_notes(member) and not sees_notes(None)


def test_a_duplicate_stands_alone_again_when_its_target_leaves_the_agenda(client, scope, writers, organiser):
    author, member, other = writers
    target, duplicate = item_of(author), item_of(member)
    client.force_login(organiser)
    post(client, "item_merge", duplicate, {"into": target.pk})
    review_save(
        scope=scope,
        author=author,
        parts={"summary": "S.", "confusions": "- Something else entirely", "questions": "- What next?"},
        version=author.reviews.get().version,
        publish=True,
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.pk in [item.pk for item in agenda_of(client, scope.week).items]


def test_voting_on_a_merged_duplicate_is_refused(client, scope, writers, organiser):
    author, member, other = writers
    client.force_login(organiser)
    post(client, "item_merge", item_of(member), {"into": item_of(author).pk})
    client.force_login(other)
    assert client.post(reverse("reviews:item_vote", args=[item_of(member).pk])).status_code == 403
    assert not ItemVote.objects.filter(member=other).exists()

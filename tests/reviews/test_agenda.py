"""The week's agenda: the confusions and questions a member may read, grouped by paper and place, most
shared first, and their "me too" / "+1"."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import ItemVote
from reviews.services import review_save
from tests.factories import PaperFactory, ReviewScopeFactory, UserFactory, WeekFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db


def publish(scope, author, confusions, questions="- Is this the right question?"):
    parts = {"summary": "A summary.", "confusions": confusions, "questions": questions}
    return review_save(scope=scope, author=author, parts=parts, version=None, publish=True)


def agenda(client, week):
    return client.get(reverse("reviews:week_agenda", args=[week.number]))


def test_write_first_holds_on_the_agenda(client, scope, author, member):
    publish(scope, author, "- Hidden-confusion-marker about Section 3.1")
    ItemVote.objects.create(item=author.reviews.get().items.first(), member=UserFactory())
    client.force_login(member)
    page = agenda(client, scope.week).content.decode()
    assert "Hidden-confusion-marker" not in page and "author" not in page.split("<main", 1)[1]
    assert "also confused" not in page and "No confusions or questions you can read yet" in page
    publish(scope, member, "- Mine")
    page = agenda(client, scope.week).content.decode()
    assert "Hidden-confusion-marker" in page and "the review by author" in page and "1 member also confused" in page


def test_items_are_grouped_by_paper_and_place_and_ranked_by_votes_then_age(client, week, member):
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1, title="LSTM"), PaperFactory(week=week, position=2))
    writers = [UserFactory(username=f"writer{n}") for n in range(3)]
    publish(scope, writers[0], "- Early question about Section 3.2 of Paper 2")
    publish(scope, writers[1], "- Later one on §3.2 in Paper 2\n- Eq. (4) of Paper 1 puzzles me")
    publish(scope, member, "- My own")
    later = writers[1].reviews.get().items.get(position=0, kind="confusion")
    ItemVote.objects.create(item=later, member=writers[2])
    client.force_login(member)
    groups = agenda(client, week).context["agenda"].groups
    headings = [(g.paper.position if g.paper else None, g.place_label) for g in groups]
    assert headings[:2] == [(1, "Eq. (4)"), (2, "Section 3.2")]
    section = groups[1].items
    assert [item.text for item in section] == [
        "Later one on §3.2 in Paper 2",
        "Early question about Section 3.2 of Paper 2",
    ]
    assert section[0].vote_count == 1


def test_a_member_marks_me_too_and_takes_it_back_but_not_on_their_own(client, scope, author, member):
    publish(scope, author, "- A shared confusion")
    publish(scope, member, "- Mine")
    theirs = author.reviews.get().items.get(kind="confusion")
    mine = member.reviews.get().items.get(kind="confusion")
    client.force_login(member)
    vote = reverse("reviews:item_vote", args=[theirs.pk])
    response = client.post(vote, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#item-{theirs.pk}")
    assert "Me too: counted." in response.content.decode() and theirs.votes.count() == 1
    assert 'aria-pressed="true"' in response.content.decode()
    client.post(vote)
    assert theirs.votes.count() == 0
    assert client.post(reverse("reviews:item_vote", args=[mine.pk])).status_code == 403
    assert mine.votes.count() == 0


def test_agenda_queries_do_not_grow_with_the_items(client, week, member):
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1))
    publish(scope, member, "- Mine")
    client.force_login(member)
    url = reverse("reviews:week_agenda", args=[week.number])
    publish(scope, UserFactory(), "- One\n- Two about Fig. 1")
    small = queries_for(client, url)
    for n in range(10):
        writer = UserFactory()
        publish(scope, writer, "\n".join(f"- Item {k} of {n} on Table {k}" for k in range(5)))
        ItemVote.objects.create(item=writer.reviews.get().items.first(), member=member)
    assert queries_for(client, url) == small


@pytest.mark.django_db(transaction=True)
def test_a_cached_agenda_shows_a_new_vote_and_a_new_item_at_once(client, scope, author, member, other_member):
    from django.middleware.csrf import _get_new_csrf_string

    publish(scope, author, "- A shared confusion")
    publish(scope, member, "- Mine")
    client.force_login(member)
    client.cookies["csrftoken"] = _get_new_csrf_string()
    assert "no one else yet" in agenda(client, scope.week).content.decode()
    publish(scope, other_member, "- Another-new-item")
    ItemVote.objects.create(item=author.reviews.get().items.get(kind="confusion"), member=other_member)
    page = agenda(client, scope.week).content.decode()
    assert "1 member also confused" in page and "Another-new-item" in page


def test_the_agenda_downloads_as_markdown_with_only_what_the_member_may_read(client, week, member):
    readable, hidden = ReviewScopeFactory(week=week, position=1), ReviewScopeFactory(week=week, position=2)
    readable.papers.add(PaperFactory(week=week, position=1, title="LSTM"))
    hidden.papers.add(PaperFactory(week=week, position=2, title="GRU"))
    writer = UserFactory(username="writer")
    publish(readable, writer, "- What does Eq. (4)\n  really say?")
    publish(hidden, writer, "- Hidden-in-scope-two")
    publish(readable, member, "- Mine")
    client.force_login(member)
    response = client.get(reverse("reviews:week_agenda_markdown", args=[week.number]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"] == f'attachment; filename="week-{week.number}-agenda.md"'
    assert text.startswith(f"# Agenda: {week.heading}")
    assert "## Paper 1: LSTM · Eq. (4)" in text
    item = writer.reviews.get(scope=readable).items.get(kind="confusion")
    assert f"- **#{item.pk} Confusion** (writer; no one else yet): What does Eq. (4) really say?\n  - Notes:" in text
    assert "Hidden-in-scope-two" not in text and "GRU" not in text


def test_after_the_meeting_an_empty_agenda_says_nothing_was_published(client, member):
    week = WeekFactory(number=7, meeting_at=timezone.now() - timezone.timedelta(days=1))
    ReviewScopeFactory(week=week, position=1)
    client.force_login(member)
    page = agenda(client, week).content.decode()
    assert "No confusions or questions were published for this week." in page
    assert "once you publish your review" not in page

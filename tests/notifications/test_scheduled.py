"""Reminders, digests and the organisers' summary come from `send_due_notifications`: each recipient
gets each once, whether the command runs twice at once or again after a crash, and never text they may
not read."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from notifications import scheduled
from notifications.models import Notification
from reviews.models import ItemVote, ReadingChoice
from tests.factories import PaperFactory, ReviewScopeFactory, UserFactory, WeekFactory
from tests.notifications.conftest import publish


def due_in(hours, **kwargs):
    return WeekFactory(number=5, reviews_due=timezone.now() + timedelta(hours=hours), **kwargs)


@pytest.mark.django_db
def test_the_reminder_lists_the_scopes_each_member_has_not_written(django_capture_on_commit_callbacks):
    week = due_in(20, meeting_at=timezone.now() + timedelta(days=2))
    first, second = ReviewScopeFactory(week=week, position=1), ReviewScopeFactory(week=week, position=2)
    first.papers.add(PaperFactory(week=week, position=1))
    second.papers.add(PaperFactory(week=week, position=2))
    ada, alan, grace = (UserFactory(username=name) for name in ("ada", "alan", "grace"))
    UserFactory(username="unverified", verified=False)
    publish(first, ada)
    publish(second, ada)
    publish(first, alan)
    ReadingChoice.objects.create(scope=second, member=grace)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_notifications")
    mailed = {tuple(message.to): message for message in mail.outbox}
    assert set(mailed) == {("alan@example.com",), ("grace@example.com",)}
    assert "Still to write:" in mailed[("alan@example.com",)].body
    assert f"- {second.label()}" in mailed[("alan@example.com",)].body
    assert f"- {first.label()}" not in mailed[("alan@example.com",)].body
    assert f"- {first.label()}" in mailed[("grace@example.com",)].body


@pytest.mark.django_db
def test_no_reminder_outside_the_window_or_for_an_unpublished_week(django_capture_on_commit_callbacks):
    UserFactory(username="ada")
    ReviewScopeFactory(week=due_in(30), position=1)
    ReviewScopeFactory(week=WeekFactory(number=6, reviews_due=timezone.now() - timedelta(hours=1)), position=1)
    hidden = WeekFactory(number=7, reviews_due=timezone.now() + timedelta(hours=2), published_at=None)
    ReviewScopeFactory(week=hidden, position=1)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.reminders(timezone.now())
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_week_sets_its_own_reminder_time(django_capture_on_commit_callbacks):
    UserFactory(username="ada")
    early = WeekFactory(number=8, reviews_due=timezone.now() + timedelta(hours=40), reminder_hours=48)
    ReviewScopeFactory(week=early, position=1)
    ReviewScopeFactory(week=due_in(30), position=1)  # the site's 24 hours: not yet
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.reminders(timezone.now())
    assert [message.subject for message in mail.outbox] == [
        f"[Deep-Learning-Journey] Reviews for {early.heading} are due "
        + timezone.localtime(early.reviews_due).strftime("%a %-d %b, %H:%M")
    ]


@pytest.mark.django_db
def test_the_digest_shows_each_member_only_the_agenda_items_they_may_read(django_capture_on_commit_callbacks):
    week = WeekFactory(number=5, meeting_at=timezone.now() + timedelta(hours=2))
    open_scope, other_scope = ReviewScopeFactory(week=week, position=1), ReviewScopeFactory(week=week, position=2)
    ada, alan, grace = (UserFactory(username=name) for name in ("ada", "alan", "grace"))
    publish(open_scope, ada, confusions="- Readable-confusion-marker")
    publish(other_scope, ada, confusions="- Hidden-scope-marker")
    publish(open_scope, alan, confusions="- Alan's own")
    ItemVote.objects.create(item=ada.reviews.get(scope=open_scope).items.get(kind="confusion"), member=alan)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.digests(timezone.now())
    mailed = {message.to[0]: message.body for message in mail.outbox}
    assert "Readable-confusion-marker" in mailed["alan@example.com"]
    assert "Hidden-scope-marker" not in mailed["alan@example.com"]
    assert "grace@example.com" not in mailed  # nothing she may read yet: no digest rather than an empty one
    assert "ada@example.com" in mailed  # her own item is on the agenda, shared by Alan


@pytest.mark.django_db
def test_the_summary_goes_to_organisers_only(organiser, django_capture_on_commit_callbacks):
    week = WeekFactory(number=5, reviews_due=timezone.now() - timedelta(hours=1))
    scope = ReviewScopeFactory(week=week, position=1)
    ada, alan, grace = (UserFactory(username=name) for name in ("ada", "alan", "grace"))
    publish(scope, ada)
    ReadingChoice.objects.create(scope=scope, member=grace)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.summaries(timezone.now())
    [message] = mail.outbox
    assert message.to == ["organiser@example.com"]
    assert "late: ada" in message.body and "read without writing: grace" in message.body
    assert "not written: organiser, alan" in message.body and "Secret-summary-marker" not in message.body


def _run_command_in_thread(results):
    def run():
        try:
            results.append(scheduled.run_all())
        finally:
            connections.close_all()

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_and_a_rerun_send_each_reminder_once():
    if connections["default"].vendor == "sqlite":
        pytest.skip("SQLite's test database lives in one connection; the PostgreSQL run checks this")
    week = due_in(10)
    ReviewScopeFactory(week=week, position=1)
    members = [UserFactory(username=f"member{n}") for n in range(12)]
    results = []
    threads = [_run_command_in_thread(results) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    call_command("send_due_notifications")
    assert Notification.objects.filter(kind="reminder").count() == len(members)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(member.email for member in members)
    assert sum(result["reminders"] for result in results) == len(members)


@pytest.mark.django_db(transaction=True)
def test_after_a_crash_between_recording_and_mailing_the_next_run_sends_it_once(monkeypatch):
    week = due_in(10)
    ReviewScopeFactory(week=week, position=1)
    UserFactory(username="ada")
    from notifications import tasks

    class QueueDown:
        def enqueue(self, **kwargs):
            raise RuntimeError("the worker's queue is down")

    with monkeypatch.context() as patched:
        patched.setattr(tasks, "send_notification_email", QueueDown())
        with pytest.raises(RuntimeError):
            call_command("send_due_notifications")
    assert mail.outbox == [] and Notification.objects.get().emailed_at is None
    call_command("send_due_notifications")  # too soon to call it lost: the reminder is recorded once
    assert mail.outbox == []
    later = timezone.now() + scheduled.LOST_AFTER + timedelta(minutes=1)
    scheduled.run_all(later)
    scheduled.run_all(later)
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert Notification.objects.get().emailed_at is not None

"""Mail goes out through the task queue: a view's action enqueues a task after its transaction commits,
and the real database worker (django-tasks-db's, in a thread) sends it."""

import threading

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.notifications.conftest import publish

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_database_worker() -> None:
    """``manage.py db_worker --batch`` (the worker loop itself, without its signal handlers, which only
    the main thread may install): it runs every task waiting, then stops."""
    worker = Worker(
        queue_names=["default"],
        interval=0.05,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    # An in-memory SQLite test database lives in its connection: the worker thread uses the test's own,
    # as Django's live server thread does. PostgreSQL gets a connection of the thread's own.
    in_memory = getattr(connections["default"], "is_in_memory_db", lambda: False)()
    shared = connections["default"] if in_memory else None
    if shared is not None:
        shared.inc_thread_sharing()

    def run():
        if shared is not None:
            connections["default"] = shared
        try:
            worker.run()
        finally:
            if shared is None:
                connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if shared is not None:
        shared.dec_thread_sharing()
    assert not thread.is_alive(), "the worker did not finish"


@pytest.mark.django_db(transaction=True)
def test_a_comment_posted_through_the_site_is_mailed_by_the_database_worker(client, settings, scope, ada, alan):
    settings.TASKS = DATABASE_TASKS
    review = publish(scope, ada)
    publish(scope, alan)
    client.force_login(alan)
    response = client.post(reverse("reviews:comment_create", args=[review.pk]), {"body": "Worker-mail-marker"})
    assert response.status_code == 302
    assert mail.outbox == []  # enqueued, not sent by the request
    task = DBTaskResult.objects.get()
    assert task.status == "READY" and task.task_path == "notifications.tasks.send_notification_email"
    run_database_worker()
    assert [m.to for m in mail.outbox] == [["ada@example.com"]] and "Worker-mail-marker" in mail.outbox[0].body
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_sign_up_mail_is_a_task_too(client, settings):
    settings.TASKS = DATABASE_TASKS
    client.post(
        reverse("account_signup"),
        {
            "email": "grace@example.com",
            "username": "grace",
            "password1": "lovelace-1843!",
            "password2": "lovelace-1843!",
        },
    )
    assert mail.outbox == [] and DBTaskResult.objects.get().task_path == "core.mail.send_email_message"
    run_database_worker()
    assert [m.to for m in mail.outbox] == [["grace@example.com"]] and "confirm" in mail.outbox[0].body.lower()


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_fails_is_asked_again_later(settings, monkeypatch):
    from smtplib import SMTPServerDisconnected

    from core.mail import send_email_message

    settings.TASKS = DATABASE_TASKS

    def disconnected(self, *args, **kwargs):
        raise SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", disconnected)
    with pytest.raises(SMTPServerDisconnected):
        send_email_message.call(subject="Reset your password", body="…", to=["ada@example.com"])
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "core.mail.send_email_message" and retry.args_kwargs["kwargs"]["attempt"] == 1
    assert retry.run_after is not None and retry.run_after > retry.enqueued_at

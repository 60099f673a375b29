"""The documented setting for larger sites, DJANGO_TASKS_BACKEND=rq, runs the same email tasks on Redis."""

import pytest
import redis
from django.core import mail

from core.mail import send_email_message

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def rq_settings(settings):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}: the RQ backend is checked where one runs")
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    import django_rq

    django_rq.get_queue("default").empty()
    yield django_rq
    django_rq.get_queue("default").empty()


def test_an_email_task_goes_through_redis_and_an_rq_worker(rq_settings):
    from django_tasks_rq import Job
    from rq import SimpleWorker

    send_email_message.enqueue(subject="Through RQ", body="Queued in Redis.", to=["ada@example.com"])
    queue = rq_settings.get_queue("default", job_class=Job)
    assert mail.outbox == [] and queue.count == 1
    # What `manage.py rqworker --job-class django_tasks_rq.Job default` runs, in this process.
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    assert [(m.subject, m.to) for m in mail.outbox] == [("Through RQ", ["ada@example.com"])]

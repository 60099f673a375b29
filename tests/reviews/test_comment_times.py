"""A discussion's times, written once per comment by the selector instead of Django's ``date`` filter,
read exactly as that filter would write them, in the site's time zone."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from reviews import selectors
from reviews.models import Comment
from tests.factories import CommentFactory, ReviewFactory


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata"])
@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 1, 5, 23, 59, 30, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2026, 6, 30, 22, 30, tzinfo=datetime.UTC),  # another day east of UTC
        datetime.datetime(2026, 3, 29, 1, 15, tzinfo=datetime.UTC),  # a daylight-saving change
    ],
)
@pytest.mark.django_db
def test_comment_times_read_as_djangos_date_filter_writes_them(settings, published_review, zone, moment):
    settings.TIME_ZONE = zone
    comment = CommentFactory(review=published_review)
    Comment.objects.filter(pk=comment.pk).update(created=moment)
    with timezone.override(zone):
        threads = selectors.comment_threads(review=published_review)
        [shown] = selectors.comments_at(review=published_review, places=threads[0])
        django = Template("{{ t|date:'c' }} {{ t|date:'j M, H:i' }}").render(Context({"t": moment}))
    assert f"{shown.created_iso} {shown.created_label}" == django


@pytest.mark.django_db
def test_a_comment_shows_its_time_in_the_site_time_zone(client, member, published_review, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    comment = CommentFactory(review=published_review)
    Comment.objects.filter(pk=comment.pk).update(created=datetime.datetime(2026, 2, 3, 20, 0, tzinfo=datetime.UTC))
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    page = client.get(published_review.get_absolute_url()).content.decode()
    assert '<time datetime="2026-02-04T01:30:00+05:30">4 Feb, 01:30</time>' in page


def test_recent_comments_say_how_long_ago_and_older_ones_only_their_date(client, published_review, author):
    from django.utils import timezone

    from reviews.models import Comment
    from tests.factories import CommentFactory

    now = timezone.now()
    for body, age in (("Fresh", None), ("Hours", timezone.timedelta(hours=3)), ("Old", timezone.timedelta(days=30))):
        comment = CommentFactory(review=published_review, author=author, body=body)
        if age is not None:  # the creation time is set on save: moved back afterwards
            Comment.objects.filter(pk=comment.pk).update(created=now - age)
    client.force_login(author)
    page = client.get(published_review.get_absolute_url()).content.decode()
    assert "(just now)" in page and "(3\xa0hours ago)" in page
    assert page.count(" ago)") == 1  # the month-old one shows its date only

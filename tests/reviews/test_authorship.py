"""Who wrote what is never in doubt: pages show each author's @username, and an organiser badge only
for organisers, whatever display name a member chose."""

import pytest
from django.contrib.auth import get_user_model

from core.roles import is_organiser, organisers_q
from members.services import organiser_grant, profile_update
from reviews.services import comment_create
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_organiser_query_agrees_with_the_organiser_check():
    users = [
        UserFactory(username="plain"),
        UserFactory(username="staff-only", is_staff=True),
        UserFactory(username="superuser", is_superuser=True),
        UserFactory(username="organiser"),
        UserFactory(username="former-organiser"),
    ]
    organiser_grant(user=users[3])
    organiser_grant(user=users[4])
    users[4].is_active = False
    users[4].save()
    listed = set(get_user_model().objects.filter(organisers_q()).values_list("username", flat=True))
    checked = {user.username for user in get_user_model().objects.all() if is_organiser(user)}
    assert listed == checked == {"superuser", "organiser"}


def test_comments_and_reviews_show_username_and_the_organiser_badge(client, member, organiser, published_review):
    profile_update(user=organiser, display_name="Olivia", bio="")
    profile_update(user=member, display_name="Olivia Organiser", bio="")  # a look-alike name
    ReviewFactory(scope=published_review.scope, author=member)
    by_organiser = comment_create(review=published_review, author=organiser, body="From the organisers.")
    by_member = comment_create(review=published_review, author=member, body="Pretending.")
    client.force_login(member)
    page = client.get(published_review.get_absolute_url()).content.decode()

    def comment_html(comment):
        start = page.index(f'id="comment-{comment.pk}"')
        return page[start : page.index("</li>", start)]

    assert "@organiser" in comment_html(by_organiser) and "badge-organiser" in comment_html(by_organiser)
    assert "@member" in comment_html(by_member) and "badge-organiser" not in comment_html(by_member)

"""The "Your week" box puts a member's Write action on the first screen of the week page and the home
page, on a desktop and on a phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import ReadingChoice
from tests.factories import PaperFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory

SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

INTRO = (
    "This week is about convolutional networks: how weight sharing and pooling let a network learn features "
    "from pixels, and why that made image recognition practical. Read the papers in order; the second one "
    "builds on the first.\n\nCome with one confusion and one question for the meeting."
)


@pytest.fixture
def busy_week(transactional_db):
    """A full current week: a long intro, three papers, three review scopes; the member published the
    first, chose to read the second without writing, and has not started the third."""
    now = timezone.now()
    week = WeekFactory(
        number=2,
        title="Convolutional networks and the ImageNet moment",
        intro=INTRO,
        reading_starts=timezone.localdate(),
        reviews_due=now + timezone.timedelta(days=2),
        meeting_at=now + timezone.timedelta(days=3),
    )
    titles = [
        "Gradient-Based Learning Applied to Document Recognition",
        "ImageNet Classification with Deep Convolutional Neural Networks",
        "Visualizing and Understanding Convolutional Networks",
    ]
    scopes = []
    for position, title in enumerate(titles, 1):
        scope = ReviewScopeFactory(week=week, position=position)
        scope.papers.add(PaperFactory(week=week, position=position, title=title))
        scopes.append(scope)
    member = UserFactory(username="grace")
    ReviewFactory(scope=scopes[0], author=member)
    ReadingChoice.objects.create(scope=scopes[1], member=member)
    return week, member


def assert_on_first_screen(page, locator, size):
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], box


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_write_action_is_on_the_first_screen(page, sign_in, busy_week, screen, screenshot):
    week, member = busy_week
    size = SCREENS[screen]
    page.set_viewport_size(size)
    sign_in(page, member)
    for url, name in ((week.get_absolute_url(), "week"), ("/", "home")):
        page.goto(url)
        my_week = page.locator(".my-week")
        write = my_week.get_by_role("link", name="Write your review")
        assert_on_first_screen(page, write, size)
        expect(my_week.locator(".my-scope")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]  # no sideways scroll
        screenshot(f"{name}-{screen}")
    write.click()
    expect(page).to_have_url(re.compile(rf"/weeks/{week.number}/reviews/3/write/$"))

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from papers.models import Resource, Week
from papers.rules import visible_weeks
from tests.factories import PaperFactory, ResourceFactory, ReviewScopeFactory, UserFactory, WeekFactory

pytestmark = pytest.mark.django_db


def test_two_weeks_cannot_share_a_number():
    WeekFactory(number=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Week.objects.create(number=3, title="Again")


def test_week_number_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        Week.objects.create(number=0, title="Zero")


def test_two_papers_cannot_share_a_position_in_one_week():
    paper = PaperFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperFactory(week=paper.week, position=1)


def test_papers_of_different_weeks_may_share_a_position():
    PaperFactory(position=1)
    PaperFactory(position=1)


def test_a_url_is_stored_once_per_week_and_once_per_paper_but_may_repeat_across_them():
    paper = PaperFactory()
    url = "https://cs231n.github.io/convolutional-networks/"
    ResourceFactory(week=paper.week, url=url)
    ResourceFactory(week=paper.week, paper=paper, url=url)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(week=paper.week, url=url)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(week=paper.week, paper=paper, url=url)


def test_resource_paper_must_belong_to_the_resource_week():
    paper = PaperFactory()
    resource = Resource(week=WeekFactory(), paper=paper, url="https://example.com/", kind="other")
    with pytest.raises(ValidationError, match="another week"):
        resource.full_clean()


def test_intro_is_rendered_and_sanitised_on_save():
    week = WeekFactory(intro="Read **this** [now](javascript:alert(1)) <script>alert(1)</script>")
    assert "<strong>this</strong>" in week.intro_html
    assert "<a" not in week.intro_html  # the refused link stays visible as text, not as a link
    assert "<script>" not in week.intro_html
    week.intro = "Changed"
    week.save(update_fields=["intro"])
    week.refresh_from_db()
    assert week.intro_html == "<p>Changed</p>"


def test_week_with_reviews_due_before_reading_starts_is_invalid():
    week = WeekFactory.build(
        reading_starts=timezone.localdate(), reviews_due=timezone.now() - timezone.timedelta(days=3)
    )
    with pytest.raises(ValidationError, match="before reading starts"):
        week.full_clean()


def test_publish_time_decides_who_sees_a_week():
    now = timezone.now()
    published = WeekFactory(published_at=now - timezone.timedelta(minutes=1))
    scheduled = WeekFactory(published_at=now + timezone.timedelta(minutes=1))
    draft = WeekFactory(published_at=None)
    member = UserFactory()
    assert list(visible_weeks(member)) == [published]
    assert published.is_published and not scheduled.is_published and not draft.is_published
    assert scheduled.is_scheduled


def test_scope_label_names_its_papers():
    week = WeekFactory()
    first, second = PaperFactory(week=week, position=1), PaperFactory(week=week, position=2)
    scope = ReviewScopeFactory(week=week)
    scope.papers.add(second, first)
    assert scope.label() == "Papers 1 and 2"
    scope.papers.remove(first)
    assert scope.label() == "Paper 2"


def test_week_heading_does_not_repeat_a_default_title():
    assert WeekFactory.build(number=5, title="Week 5").heading == "Week 5"
    assert WeekFactory.build(number=5, title="Attention").heading == "Week 5: Attention"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=oq6Z76Gl0ho&fbclid=x", "YouTube video"),
        ("https://youtu.be/iDulhoQ2pro", "YouTube video"),
        ("https://www.youtube.com/playlist?list=PLkt2uSq6rBVctENoVBg1TpCC7OQi31AlC", "YouTube playlist"),
        (
            "https://medium.com/explore-artificial-intelligence/an-introduction-to-recurrent-neural-networks-72c97bf0912",
            "Medium: An introduction to recurrent neural networks",
        ),
        (
            "https://towardsdatascience.com/understanding-lstm-networks-3f4a0b2c9d1e",
            "Towards Data Science: Understanding lstm networks",
        ),
        ("http://colah.github.io/posts/2015-08-Understanding-LSTMs/", "colah's blog: 2015 08 Understanding LSTMs"),
        ("http://cs231n.github.io/convolutional-networks/", "cs231n.github.io: Convolutional networks"),
        ("https://arxiv.org/abs/1706.03762", "arXiv 1706.03762"),
        ("https://arxiv.org/pdf/1512.03385v1.pdf", "arXiv 1512.03385v1"),
        ("https://github.com/karpathy/char-rnn/blob/master/train.lua", "GitHub karpathy/char-rnn"),
        ("https://doi.org/10.1038/nature14539", "DOI 10.1038/nature14539"),
        ("https://example.org", "example.org"),
    ],
)
def test_untitled_resources_get_a_readable_name_from_their_url(url, expected):
    assert Resource(url=url).display_title == expected
    assert Resource(url=url, title="Given title").display_title == "Given title"


def test_a_week_whose_papers_share_a_link_can_be_deleted():
    week = WeekFactory()
    first, second = PaperFactory(week=week, position=1), PaperFactory(week=week, position=2)
    for paper in (first, second, None):
        ResourceFactory(week=week, paper=paper, url="https://example.org/shared-slides")
    week.delete()
    assert not Resource.objects.exists()


def test_deleting_a_paper_takes_its_resources_and_leaves_the_weeks():
    week = WeekFactory()
    paper = PaperFactory(week=week)
    ResourceFactory(week=week, paper=paper, url="https://example.org/about-the-paper")
    ResourceFactory(week=week, paper=None, url="https://example.org/about-the-week")
    paper.delete()
    assert list(Resource.objects.values_list("url", flat=True)) == ["https://example.org/about-the-week"]

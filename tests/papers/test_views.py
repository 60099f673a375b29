import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PaperFactory, ResourceFactory, ReviewScopeFactory, WeekFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db


def week_url(week):
    return reverse("week_detail", kwargs={"number": week.number})


def test_home_shows_current_upcoming_and_past_weeks(client):
    today = timezone.localdate()
    past = WeekFactory(number=1, title="Backprop", reading_starts=today - timezone.timedelta(days=14))
    current = WeekFactory(number=2, title="Convolutions", reading_starts=today - timezone.timedelta(days=2))
    upcoming = WeekFactory(number=3, title="Residuals", reading_starts=today + timezone.timedelta(days=5))
    PaperFactory(week=current, title="ImageNet Classification with Deep CNNs")
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert response.context["schedule"].current == current
    assert response.context["schedule"].upcoming == [upcoming]
    assert response.context["schedule"].past == [past]
    assert "ImageNet Classification with Deep CNNs" in content
    assert content.index("Week 2: Convolutions") < content.index("Coming up") < content.index("Past weeks")


def test_home_without_weeks_says_so(client):
    response = client.get(reverse("home"))
    assert "No weeks yet" in response.content.decode()


def test_draft_week_is_hidden_from_visitors_and_members_but_shown_to_organisers(client, member, organiser):
    draft = WeekFactory(title="Secret plans", published_at=None)
    assert "Secret plans" not in client.get(reverse("home")).content.decode()
    assert client.get(week_url(draft)).status_code == 404
    client.force_login(member)
    assert client.get(week_url(draft)).status_code == 404
    client.force_login(organiser)
    response = client.get(week_url(draft))
    assert response.status_code == 200
    assert "Draft · organisers only" in response.content.decode()


def test_week_appears_from_its_publish_time_on(client):
    week = WeekFactory(published_at=timezone.now() + timezone.timedelta(hours=1))
    paper = PaperFactory(week=week)
    assert client.get(week_url(week)).status_code == 404
    assert client.get(paper.get_absolute_url()).status_code == 404
    week.published_at = timezone.now() - timezone.timedelta(seconds=1)
    week.save()
    assert client.get(week_url(week)).status_code == 200
    assert client.get(paper.get_absolute_url()).status_code == 200


def test_week_page_shows_papers_focus_scopes_and_grouped_resources(client):
    week = WeekFactory(intro="Read *carefully*.")
    first = PaperFactory(week=week, position=1, title="Zip codes")
    second = PaperFactory(week=week, position=2, title="Document recognition", focus_note="Section 2 only")
    scope = ReviewScopeFactory(week=week, position=1, focus="Section 2 of Paper 2")
    scope.papers.add(first, second)
    ResourceFactory(week=week, kind="video", topic="CNN", title="Convolutions explained", url="https://youtu.be/a")
    ResourceFactory(week=week, kind="blog", title="A blog post", url="https://medium.com/b")
    ResourceFactory(week=week, paper=second, kind="notes", title="Lecture notes", url="https://cs231n.github.io/")
    content = client.get(week_url(week)).content.decode()
    assert "<em>carefully</em>" in content
    assert "Zip codes" in content and "Document recognition" in content
    assert "Reading focus:</strong> Section 2 only" in content
    assert "Papers 1 and 2" in content and "Focus: Section 2 of Paper 2" in content
    assert content.index("Video") < content.index("Convolutions explained") < content.index("Blog post")
    assert '<span class="topic-label">CNN</span>' in content
    assert "Lecture notes" in content


def test_paper_page_shows_citation_links_and_resources(client):
    paper = PaperFactory(arxiv_id="1512.03385", doi="10.1109/CVPR.2016.90", venue="CVPR", abstract="We present…")
    ResourceFactory(week=paper.week, paper=paper, title="Explainer video", url="https://youtu.be/x")
    content = client.get(paper.get_absolute_url()).content.decode()
    assert "https://arxiv.org/abs/1512.03385" in content
    assert "https://doi.org/10.1109/CVPR.2016.90" in content
    assert "Explainer video" in content and "We present…" in content


def test_missing_week_and_paper_are_404(client):
    week = WeekFactory()
    assert client.get(reverse("week_detail", kwargs={"number": 99})).status_code == 404
    url = reverse("papers:paper_detail", kwargs={"number": week.number, "position": 7})
    assert client.get(url).status_code == 404


def make_week_with_papers(count):
    week = WeekFactory()
    for position in range(1, count + 1):
        paper = PaperFactory(week=week, position=position)
        ResourceFactory(week=week, paper=paper)
        ResourceFactory(week=week)
        scope = ReviewScopeFactory(week=week, position=position)
        scope.papers.add(paper)
    return week


@pytest.mark.parametrize("viewer", ["anonymous", "organiser"])
def test_week_page_query_count_does_not_grow_with_papers(client, organiser, viewer):
    if viewer == "organiser":
        client.force_login(organiser)
    small, large = make_week_with_papers(2), make_week_with_papers(20)
    client.get(week_url(small))  # warm-up: content types and permission caches
    assert queries_for(client, week_url(large)) == queries_for(client, week_url(small))


def test_home_query_count_does_not_grow_with_weeks(client):
    today = timezone.localdate()
    for number in range(1, 3):
        PaperFactory(week=WeekFactory(number=number, reading_starts=today))
    few = queries_for(client, reverse("home"))
    for number in range(3, 23):
        PaperFactory(week=WeekFactory(number=number, reading_starts=today))
    assert queries_for(client, reverse("home")) == few


def test_not_found_page_is_the_sites_own_and_leaks_nothing(client):
    response = client.get("/weeks/999/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in content and "See all weeks" in content
    assert "Traceback" not in content and "urlpatterns" not in content


def test_a_paper_page_leads_to_its_review_scopes_on_the_week_page(client):
    from tests.factories import PaperFactory, ReviewScopeFactory, WeekFactory

    week = WeekFactory(number=5)
    paper = PaperFactory(week=week, position=1)
    ReviewScopeFactory(week=week, position=2).papers.add(paper)
    page = client.get(paper.get_absolute_url()).content.decode()
    assert f'href="{week.get_absolute_url()}#scope-2">Write or read the reviews on the week page</a>' in page
    assert f'<a href="{week.get_absolute_url()}#scope-2">Paper 1</a>' in page


def test_a_caption_heads_the_links_it_introduces_each_with_its_site(client):
    import re

    from tests.factories import PaperFactory, ResourceFactory, WeekFactory

    week = WeekFactory(number=6)
    paper = PaperFactory(week=week, position=1)
    caption = "Two very good videos on what back-propagation is"
    for position, video in enumerate(("abc", "def")):
        ResourceFactory(
            week=week, paper=paper, kind="video", title="", note=caption, position=position,
            url=f"https://www.youtube.com/watch?v={video}",
        )  # fmt: skip
    page = client.get(paper.get_absolute_url()).content.decode()
    assert page.count(caption) == 1
    under = re.search(rf"{caption}</span>\s*<ul class=\"resources-under-note\">(.*?)</ul>", page, re.DOTALL).group(1)
    assert under.count('<span class="resource-host">youtube.com</span>') == 2

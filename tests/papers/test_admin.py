import pytest
from django.urls import reverse
from django.utils import timezone

from papers.models import Paper, Week
from tests.factories import PaperFactory, UserFactory, WeekFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:papers_week_add")


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def week_form(**overrides):
    data = {
        "number": "7",
        "title": "Attention",
        "intro": "Read **Attention Is All You Need**.",
        "review_plan": "",
        "reading_starts": "",
        "reviews_due_0": "",
        "reviews_due_1": "",
        "meeting_at_0": "",
        "meeting_at_1": "",
        "published_at_0": "",
        "published_at_1": "",
        **inline_management("papers"),
        **inline_management("review_scopes"),
        **inline_management("resources"),
    }
    data.update(overrides)
    return data


def form_errors(response):
    if not response.context:
        return ""
    formsets = [inline.formset for inline in response.context["inline_admin_formsets"]]
    return [response.context["adminform"].form.errors] + [(f.errors, f.non_form_errors()) for f in formsets]


def test_organiser_can_open_week_add_and_change_pages(organiser_client):
    week = WeekFactory()
    PaperFactory(week=week)
    assert organiser_client.get(ADD_URL).status_code == 200
    response = organiser_client.get(reverse("admin:papers_week_change", args=[week.pk]))
    assert response.status_code == 200
    assert (
        '<div class="rendered-preview"><p>An intro with <strong>bold</strong> text.</p></div>'
        in response.content.decode()
    )
    assert organiser_client.get(reverse("admin:papers_week_changelist")).status_code == 200


def test_organiser_adds_a_week_with_a_paper_and_it_gets_a_scope(organiser_client):
    data = week_form(
        **inline_management("papers", total=1),
        **{"papers-0-position": "1", "papers-0-title": "Attention Is All You Need", "papers-0-year": "2017"},
    )
    response = organiser_client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    week = Week.objects.get(number=7)
    assert "<strong>Attention Is All You Need</strong>" in week.intro_html
    assert week.papers.get().title == "Attention Is All You Need"
    assert [scope.label() for scope in week.review_scopes.all()] == ["Paper 1"]
    assert week.published_at is None


def test_organiser_can_swap_two_papers_positions(organiser_client):
    week = WeekFactory()
    first = PaperFactory(week=week, position=1, title="First")
    second = PaperFactory(week=week, position=2, title="Second")
    data = week_form(
        number=str(week.number),
        title=week.title,
        intro=week.intro,
        **inline_management("papers", total=2, initial=2),
        **{
            "papers-0-id": str(first.pk), "papers-0-week": str(week.pk), "papers-0-position": "2",
            "papers-0-title": "First",
            "papers-1-id": str(second.pk), "papers-1-week": str(week.pk), "papers-1-position": "1",
            "papers-1-title": "Second",
        },
    )  # fmt: skip
    response = organiser_client.post(reverse("admin:papers_week_change", args=[week.pk]), data)
    assert response.status_code == 302, form_errors(response)
    assert list(week.papers.order_by("position").values_list("title", flat=True)) == ["Second", "First"]


def test_two_papers_at_one_position_are_refused_with_a_message(organiser_client):
    data = week_form(
        **inline_management("papers", total=2),
        **{
            "papers-0-position": "1", "papers-0-title": "A",
            "papers-1-position": "1", "papers-1-title": "B",
        },
    )  # fmt: skip
    response = organiser_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for position" in response.content.decode()
    assert not Week.objects.exists() and not Paper.objects.exists()


def test_publish_and_unpublish_actions(organiser_client):
    draft = WeekFactory(published_at=None)
    changelist = reverse("admin:papers_week_changelist")
    organiser_client.post(changelist, {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    organiser_client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.published_at is None


def test_changelist_filters_by_publication_and_searches(organiser_client):
    WeekFactory(title="Published week")
    WeekFactory(title="Draft week", published_at=None)
    WeekFactory(title="Scheduled week", published_at=timezone.now() + timezone.timedelta(days=2))
    changelist = reverse("admin:papers_week_changelist")
    content = organiser_client.get(changelist, {"publication": "draft"}).content.decode()
    assert "Draft week" in content and "Published week" not in content
    content = organiser_client.get(changelist, {"q": "Scheduled"}).content.decode()
    assert "Scheduled week" in content and "Draft week" not in content


def test_member_is_sent_to_login_and_cannot_add_weeks(member_client):
    response = member_client.get(ADD_URL)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    member_client.post(ADD_URL, week_form())
    assert not Week.objects.exists()


def test_staff_without_the_organiser_role_is_refused(client):
    client.force_login(UserFactory(username="helper", is_staff=True))
    assert client.get(ADD_URL).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(ADD_URL)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_week_change_page_queries_do_not_grow_with_rows(organiser_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ResourceFactory, ReviewScopeFactory

    def queries_for_week_with(rows):
        week = WeekFactory()
        for position in range(1, rows + 1):
            paper = PaperFactory(week=week, position=position)
            ResourceFactory(week=week, paper=paper)
            ReviewScopeFactory(week=week, position=position).papers.add(paper)
        url = reverse("admin:papers_week_change", args=[week.pk])
        organiser_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert organiser_client.get(url).status_code == 200
        return len(queries)

    few, many = queries_for_week_with(2), queries_for_week_with(20)
    assert many - few <= 2, (few, many)

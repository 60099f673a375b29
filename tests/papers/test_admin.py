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


# Import from the admin ------------------------------------------------------------------------------

IMPORT_URL = reverse("admin:papers_week_import")
READING_LIST = """# Our journey

### Week 3: Attention

Read both papers.

#### Paper 1: Attention Is All You Need

Link to the paper: https://arxiv.org/abs/1706.03762

#### Paper 2: Neural Machine Translation by Jointly Learning to Align and Translate

Link to the paper: https://arxiv.org/abs/1409.0473
"""


def test_week_changelist_offers_the_import_to_organisers(organiser_client):
    response = organiser_client.get(reverse("admin:papers_week_changelist"))
    assert f'href="{IMPORT_URL}"' in response.content.decode()
    assert organiser_client.get(IMPORT_URL).status_code == 200


def test_import_dry_run_lists_changes_and_writes_nothing(organiser_client):
    WeekFactory(number=3, title="Attention", intro="Read both papers.")
    response = organiser_client.post(IMPORT_URL, {"step": "preview", "text": READING_LIST})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.error is None
    assert "Week 3, Paper 1" in preview.created and "Week 3, Paper 2" in preview.created
    assert "Week 3" in preview.unchanged
    page = response.content.decode()
    assert "Dry run" in page and "Confirm the import" in page
    assert Paper.objects.count() == 0 and Week.objects.count() == 1
    # The confirmation carries the text itself, to be validated again, not the list of changes.
    assert response.context["confirm_form"].initial["source"] == READING_LIST


def test_import_upload_of_a_file_is_previewed_too(organiser_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("journey.md", READING_LIST.encode(), content_type="text/markdown")
    response = organiser_client.post(IMPORT_URL, {"step": "preview", "file": upload})
    assert "Week 3" in response.context["preview"].created
    assert Week.objects.count() == 0


def test_import_confirm_writes_in_one_go_and_says_so(organiser_client):
    response = organiser_client.post(
        IMPORT_URL, {"step": "confirm", "source": READING_LIST.replace("\n", "\r\n"), "publish": "False"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:papers_week_changelist")
    week = Week.objects.get(number=3)
    assert week.title == "Attention" and week.published_at is None
    assert list(week.papers.values_list("position", "url")) == [
        (1, "https://arxiv.org/abs/1706.03762"),
        (2, "https://arxiv.org/abs/1409.0473"),
    ]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Imported the reading list" in m for m in messages)
    # The same text again changes nothing.
    response = organiser_client.post(IMPORT_URL, {"step": "confirm", "source": READING_LIST}, follow=True)
    assert "nothing changed" in response.content.decode()


def test_import_format_error_names_its_line_and_writes_nothing(organiser_client):
    broken = READING_LIST + "\n#### Paper:\n"
    response = organiser_client.post(IMPORT_URL, {"step": "preview", "text": broken})
    assert response.status_code == 200
    error = response.context["preview"].error
    assert error.line == broken.count("\n")
    assert f"Line {error.line}:" in response.content.decode()
    assert response.context["confirm_form"] is None
    # Confirming a tampered text is validated again and refused the same way.
    response = organiser_client.post(IMPORT_URL, {"step": "confirm", "source": broken})
    assert response.status_code == 200 and f"line {error.line}" in response.content.decode()
    assert Week.objects.count() == 0 and Paper.objects.count() == 0


def test_import_refuses_more_than_a_megabyte(organiser_client):
    text = READING_LIST + "x" * 1_000_000
    response = organiser_client.post(IMPORT_URL, {"step": "preview", "text": text})
    assert "larger than 1,000,000 bytes" in response.content.decode()
    assert Week.objects.count() == 0


@pytest.mark.parametrize("who", ["member", "staff"])
def test_import_is_refused_to_non_organisers(client, member, who):
    user = member if who == "member" else UserFactory(username="helper", is_staff=True)
    if who == "member":
        user.is_staff = True  # even with admin access, no permission on weeks means no import
        user.save()
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"step": "confirm", "source": READING_LIST}).status_code == 403
    assert Week.objects.count() == 0


def test_import_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


# Week form: link fields, new papers and scopes in one save, duplicating --------------------------------


def test_paper_inline_shows_the_link_fields(organiser_client):
    week = WeekFactory()
    PaperFactory(week=week, position=1, url="https://example.com/paper", pdf_url="https://example.com/p.pdf")
    page = organiser_client.get(reverse("admin:papers_week_change", args=[week.pk])).content.decode()
    for name in ("url", "pdf_url", "arxiv_id", "doi"):
        assert f'name="papers-0-{name}"' in page
    assert 'value="https://example.com/p.pdf"' in page


def test_new_papers_and_a_scope_naming_them_by_position_are_saved_together(organiser_client):
    data = week_form(
        **inline_management("papers", total=3),
        **inline_management("review_scopes", total=1),
        **{
            "papers-0-position": "1",
            "papers-0-title": "First",
            "papers-0-url": "https://example.com/first",
            "papers-1-position": "2",
            "papers-1-title": "Second",
            "papers-2-position": "3",
            "papers-2-title": "Third",
            "review_scopes-0-position": "1",
            "review_scopes-0-paper_positions": "1, 2",
            "review_scopes-0-focus": "Compare the two",
        },
    )
    response = organiser_client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    week = Week.objects.get(number=7)
    assert week.papers.get(position=1).url == "https://example.com/first"
    scopes = week.review_scopes.prefetch_related("papers")
    assert [(scope.label(), scope.focus) for scope in scopes] == [
        ("Papers 1 and 2", "Compare the two"),
        ("Paper 3", ""),  # a new paper no scope names gets a scope of its own
    ]


def test_scope_naming_a_missing_paper_position_is_refused(organiser_client):
    data = week_form(
        **inline_management("papers", total=1),
        **inline_management("review_scopes", total=1),
        **{
            "papers-0-position": "1",
            "papers-0-title": "First",
            "review_scopes-0-position": "1",
            "review_scopes-0-paper_positions": "1, 4",
        },
    )
    response = organiser_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "no paper at position 4" in response.content.decode()
    assert not Week.objects.exists()


def test_duplicate_action_makes_a_draft_of_the_next_number_without_reviews(organiser_client):
    from reviews.models import Review
    from tests.factories import ResourceFactory, ReviewFactory, ReviewScopeFactory

    week = WeekFactory(number=2, title="CNNs", published_at=timezone.now())
    WeekFactory(number=5)
    first, second = PaperFactory(week=week, position=1), PaperFactory(week=week, position=2)
    scope = ReviewScopeFactory(week=week, position=1, focus="Both")
    scope.papers.add(first, second)
    ResourceFactory(week=week, paper=second, url="https://example.com/code")
    ResourceFactory(week=week, paper=None, url="https://example.com/video")
    ReviewFactory(scope=scope)
    response = organiser_client.post(
        reverse("admin:papers_week_changelist"), {"action": "duplicate", "_selected_action": [week.pk]}, follow=True
    )
    assert "Created Week 6 as draft copies" in response.content.decode()
    copy = Week.objects.get(number=6)
    assert copy.title == "CNNs" and copy.published_at is None
    assert list(copy.papers.values_list("position", "title")) == [(1, first.title), (2, second.title)]
    assert [(s.label(), s.focus) for s in copy.review_scopes.prefetch_related("papers")] == [("Papers 1 and 2", "Both")]
    assert set(copy.resources.values_list("url", "paper__position")) == {
        ("https://example.com/code", 2),
        ("https://example.com/video", None),
    }
    assert not Review.objects.filter(scope__week=copy).exists()
    assert Review.objects.filter(scope=scope).count() == 1

import re

from playwright.sync_api import expect

from members.services import organiser_grant
from papers.models import Week
from tests.factories import TEST_PASSWORD, CommentFactory, ReviewFactory, UserFactory


def test_organiser_schedules_a_week_with_a_paper_in_the_admin(page, transactional_db, screenshot):
    organiser_grant(user=UserFactory(username="olivia"))
    page.goto("/admin/papers/week/add/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # the admin signs in through the site's sign-in
    page.get_by_label("Username or email").fill("olivia")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.locator("#id_number").fill("5")
    page.locator("#id_title").press_sequentially("Attention")
    page.locator("#id_intro").fill("Read **carefully**.")
    page.get_by_text("Add another Paper").click()
    page.locator("#id_papers-0-position").fill("1")
    page.locator("#id_papers-0-title").fill("Attention Is All You Need")
    page.get_by_role("button", name="Save and continue editing").last.click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".rendered-preview strong")).to_have_text("carefully")
    screenshot("week-change")
    week = Week.objects.get(number=5)
    assert week.papers.get().title == "Attention Is All You Need"
    assert week.review_scopes.get().label() == "Paper 1"


def test_organiser_narrows_comments_to_one_member_by_typing_a_name(page, sign_in, transactional_db, screenshot):
    organiser = UserFactory(username="olivia")
    organiser_grant(user=organiser)
    writers = [UserFactory(username=name) for name in ("ada", "alan", "grace")]
    for writer in writers:
        CommentFactory(review=ReviewFactory(author=writer), author=writer, body=f"By {writer.username}")
    sign_in(page, organiser)
    page.goto("/admin/reviews/comment/")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)

    page.locator("#changelist-filter .select2-selection").click()
    page.locator(".select2-search__field").fill("gra")
    expect(page.locator(".select2-results__option")).to_have_text(["grace"])
    screenshot("typed")
    page.locator(".select2-results__option", has_text="grace").click()

    expect(page).to_have_url(re.compile(rf"author__id__exact={writers[2].pk}"))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#changelist-filter .select2-selection__rendered")).to_contain_text("grace")
    screenshot("filtered")

    page.locator("#changelist-filter .select2-selection__clear").click()
    expect(page).not_to_have_url(re.compile("author__id__exact"))
    expect(page.locator("#result_list tbody tr")).to_have_count(3)

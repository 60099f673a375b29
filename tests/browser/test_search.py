from playwright.sync_api import expect

from tests.factories import PaperFactory, ResourceFactory, ReviewFactory, UserFactory


def test_member_searches_from_the_header_and_sees_highlighted_results(page, open_scope, sign_in, screenshot):
    scope = open_scope(number=4, title="Attention", paper_title="Attention Is All You Need")
    PaperFactory(week=scope.week, position=2, title="Neural Machine Translation by Jointly Learning to Align",
                 abstract="Soft attention over the source sentence.")  # fmt: skip
    ResourceFactory(week=scope.week, title="The Illustrated Transformer", note="Attention, drawn.")
    member = UserFactory(username="reader")
    ReviewFactory(scope=scope, author=member, summary="Multi-head attention lets the model look in several places.")
    sign_in(page, member)
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Search the site")
    box.fill("attention")
    box.press("Enter")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    results = page.locator("ol.search-results > li")
    expect(results).to_have_count(5)  # the week, two papers, the resource, the review
    expect(page.locator(".search-snippet mark").first).to_have_text("attention", ignore_case=True)
    expect(page.get_by_role("link", name="Review by reader")).to_be_visible()
    screenshot("results")
    page.set_viewport_size({"width": 375, "height": 800})
    expect(page.get_by_role("search").first).to_be_visible()
    screenshot("phone")

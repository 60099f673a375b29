import re
import tomllib

from playwright.sync_api import expect

from papers.management.commands.load_demo_journey import DEMO_DIR
from papers.services import journey_import, journey_metadata_apply


def load_demo():
    journey_import(source=(DEMO_DIR / "deep-learning-journey.md").read_text(encoding="utf-8"), publish=True)
    journey_metadata_apply(metadata=tomllib.loads((DEMO_DIR / "journey-metadata.toml").read_text(encoding="utf-8")))


def test_visitor_goes_from_home_to_week_2_and_sees_its_three_papers(page, transactional_db, screenshot):
    load_demo()
    page.goto("/")
    expect(page.get_by_role("heading", name="Read a paper a week, together")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Week 2")).first.click()
    expect(page).to_have_url(re.compile(r"/weeks/2/$"))
    papers = page.locator("ol.papers > li h3")
    expect(papers).to_have_count(3)
    expect(papers.nth(0)).to_contain_text("Handwritten Zip Code Recognition with Multilayer Networks")
    expect(papers.nth(1)).to_contain_text("Gradient-Based Learning Applied to Document Recognition")
    expect(papers.nth(2)).to_contain_text("ImageNet Classification with Deep Convolutional Neural Networks")
    expect(page.get_by_text("Focus: Section 2 of Paper 2")).to_be_visible()
    screenshot("week-2")

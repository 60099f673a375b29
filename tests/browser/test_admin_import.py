import re
from pathlib import Path

from playwright.sync_api import expect

from members.services import organiser_grant
from papers.models import Week
from papers.services import journey_import
from tests.factories import UserFactory

READING_LIST = """# Our journey

### Week 1: Foundations

Read both papers before the meeting.

#### Paper 1: Gradient-Based Learning Applied to Document Recognition

Link to the paper: http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf

#### Paper 2: ImageNet Classification with Deep Convolutional Neural Networks

Link to the paper: https://papers.nips.cc/paper/4824-imagenet-classification-with-deep-convolutional-neural-networks

### Week 2: Attention

#### Paper 1: Attention Is All You Need

Link to the paper: https://arxiv.org/abs/1706.03762
"""


def test_organiser_pastes_a_reading_list_checks_the_dry_run_and_confirms(page, transactional_db, sign_in, screenshot):
    organiser = UserFactory(username="olivia")
    organiser_grant(user=organiser)
    sign_in(page, organiser)
    Week.objects.create(number=1, title="Foundations", intro="Read both papers before the meeting.")

    page.goto("/admin/papers/week/")
    page.get_by_role("link", name="Import a reading list").click()
    expect(page.get_by_role("heading", name="Import a reading list")).to_be_visible()
    page.get_by_label("…or paste the text").fill(READING_LIST)
    page.get_by_role("button", name="Show what would change").click()

    expect(page.get_by_role("heading", name=re.compile("Dry run"))).to_be_visible()
    expect(page.locator(".import-created")).to_contain_text("Week 2, Paper 1")
    expect(page.locator(".import-unchanged")).to_contain_text("Week 1")
    assert Week.objects.count() == 1  # nothing written yet
    screenshot("dry-run")  # docs/screenshots/admin-import.png is a copy of this one

    page.get_by_role("button", name="Confirm the import").click()
    expect(page).to_have_url(re.compile(r"/admin/papers/week/$"))
    expect(page.locator(".messagelist")).to_contain_text("Imported the reading list")
    expect(page.locator("#result_list")).to_contain_text("Attention")
    assert list(Week.objects.values_list("number", flat=True)) == [1, 2]
    assert Week.objects.get(number=1).papers.count() == 2
    assert Week.objects.get(number=2).papers.get().url == "https://arxiv.org/abs/1706.03762"


def test_organiser_exports_weeks_as_markdown_that_imports_back(page, transactional_db, sign_in):
    organiser = UserFactory(username="olivia")
    organiser_grant(user=organiser)
    journey_import(source=READING_LIST)
    sign_in(page, organiser)

    page.goto("/admin/papers/week/")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Export as Markdown (README style)")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Run").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".md")
    exported = Path(download.path()).read_text(encoding="utf-8")
    assert "### Week 2: Attention" in exported and "https://arxiv.org/abs/1706.03762" in exported
    assert journey_import(source=exported, dry_run=True).changes == []

"""A whole meeting in the browser: members publish and vote on the agenda, an organiser merges
duplicates, pins, picks and answers items, writes the notes, prints the agenda and exports it."""

import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from members.services import organiser_grant, profile_update
from papers.models import Week
from reviews.models import ReviewItem
from tests.factories import PaperFactory, UserFactory

REVIEWS = {
    "ada": (
        "- Why does the forget gate's bias start at 1 (Section 3.2 of Paper 1)?\n- What does Eq. (4) add?",
        "- Would a GRU do as well on this task?",
    ),
    "alan": (
        "- I do not see why the forget bias is set to 1 in §3.2 of Paper 1.",
        "- Could attention replace the cell state?",
    ),
    "grace": ("- Fig. 2 of Paper 2 has no axis labels.", "- Is Table 1 of Paper 2 a fair comparison?"),
}


def publish_through_the_form(page, sign_in, user, week_number, confusions, questions):
    sign_in(page, user)
    page.goto(f"/weeks/{week_number}/")
    page.get_by_role("link", name="Write your review").first.click()
    page.wait_for_url("**/write/")  # the form's scripts have run: typing before them would go unseen
    page.get_by_label("Summary").fill(f"{user.username}'s summary of the two papers.")
    page.get_by_label("Confusions").fill(confusions)
    page.get_by_label("Discussion questions").fill(questions)
    # The browser copy is taken a moment after typing stops; publish once it is.
    expect(page.locator("#autosave-status")).to_contain_text("Kept in this browser")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your review is published")).to_be_visible()


def item(author, text_start) -> ReviewItem:
    return ReviewItem.objects.get(review__author__username=author, text__startswith=text_start)


def test_a_whole_meeting_from_agenda_to_notes(new_page, sign_in, open_scope, screenshot):
    scope = open_scope(number=3, title="Recurrent networks", paper_title="Long Short-Term Memory")
    scope.papers.add(PaperFactory(week=scope.week, position=2, title="Empirical Evaluation of Gated RNNs"))
    members = {}
    for name in REVIEWS:
        members[name] = UserFactory(username=name)
        profile_update(user=members[name], display_name=name.title(), bio="")
    organiser = UserFactory(username="organiser")
    organiser_grant(user=organiser)

    # Three members publish their reviews.
    pages = {name: new_page() for name in REVIEWS}
    for name, (confusions, questions) in REVIEWS.items():
        publish_through_the_form(pages[name], sign_in, members[name], 3, confusions, questions)

    # Grace shares Ada's confusion and +1s Alan's question, from the agenda.
    grace = pages["grace"]
    grace.goto("/weeks/3/")
    grace.get_by_role("link", name="The week's agenda").click()
    expect(grace.get_by_role("heading", name="Paper 1: Long Short-Term Memory · Section 3.2")).to_be_visible()
    forget_gate = item("ada", "Why does the forget gate")
    grace.locator(f"#item-{forget_gate.pk}").get_by_role("button", name="Me too").click()
    expect(grace.get_by_text("Me too: counted.")).to_be_visible()
    expect(grace.locator(f"#item-{forget_gate.pk}")).to_contain_text("1 member also confused")
    attention = item("alan", "Could attention")
    grace.locator(f"#item-{attention.pk}").get_by_role("button", name="+1").click()
    expect(grace.locator(f"#item-{attention.pk}")).to_contain_text("+1 from 1 member")
    # Her own items have no vote button.
    expect(grace.locator(f"#item-{item('grace', 'Fig. 2').pk}").get_by_role("button", name="Me too")).to_have_count(0)

    # The organiser merges Alan's duplicate into Ada's confusion, pins it, picks a question, answers.
    desk = sign_in(new_page(), organiser)
    desk.goto("/weeks/3/agenda/")
    duplicate = item("alan", "I do not see why")
    row = desk.locator(f"#item-{duplicate.pk}")
    row.get_by_role("button", name="Me too").click()  # organisers are members too
    expect(row).to_contain_text("1 member also confused")
    row.get_by_text("Merge…").click()
    row.get_by_label("Duplicate of item #").fill(str(forget_gate.pk))
    row.get_by_role("button", name="Merge into it").click()
    expect(desk.get_by_text(f"Item #{duplicate.pk} is merged into #{forget_gate.pk}")).to_be_visible()
    merged = desk.locator(f"#item-{forget_gate.pk}")
    expect(merged).to_contain_text("Also raised, merged here")
    expect(merged).to_contain_text("I do not see why the forget bias is set to 1")
    expect(merged).to_contain_text("2 members also confused")  # Grace's and the organiser's, added

    merged.get_by_role("button", name="Pin").click()
    expect(desk.get_by_role("heading", name="Pinned by the organisers")).to_be_visible()
    desk.locator(f"#item-{attention.pk}").get_by_role("button", name="Pin").click()
    desk.locator(f"#item-{attention.pk}").get_by_role("button", name="Move up").click()
    pinned = desk.locator(".agenda-pinned .agenda-item")
    expect(pinned.first).to_have_attribute("id", f"item-{attention.pk}")
    desk.locator(f"#item-{attention.pk}").get_by_role("button", name="Pick for the meeting").click()
    expect(desk.locator(f"#item-{attention.pk}")).to_contain_text("Picked for the meeting")

    desk.locator(f"#item-{forget_gate.pk}").get_by_role("link", name="Answer…").click()
    desk.wait_for_url("**/outcome/")
    desk.get_by_label("Answered").check()
    desk.get_by_label("Answer note").fill("A bias of 1 keeps the gate **open** at first, so gradients flow.")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text(f"Item #{forget_gate.pk}: answered.")).to_be_visible()
    expect(desk.locator(f"#item-{forget_gate.pk} .agenda-answer .prose strong")).to_have_text("open")
    desk.set_viewport_size({"width": 1200, "height": 900})
    screenshot("agenda-desktop", desk)

    # Exports: the Markdown download and the clipboard give the same meeting-notes skeleton.
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download as Markdown").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("# Agenda: Week 3: Recurrent networks")
    assert f"#{forget_gate.pk} Confusion** (Paper 1, Section 3.2; Ada; 2 members also confused) *answered*" in exported
    assert "  - Answer: A bias of 1 keeps the gate **open** at first, so gradients flow." in exported
    desk.context.grant_permissions(["clipboard-read", "clipboard-write"])
    desk.get_by_role("button", name="Copy as Markdown").click()
    expect(desk.get_by_text("Copied: paste it into your notes.")).to_be_visible()
    assert desk.evaluate("navigator.clipboard.readText()") == exported

    # Printed, the agenda is a handout: no site header, no buttons, no forms.
    desk.emulate_media(media="print")
    expect(desk.locator(".site-header")).to_be_hidden()
    for name in ("Unpin", "Move up", "Pick for the meeting"):
        expect(desk.get_by_role("button", name=name).first).to_be_hidden()
    expect(desk.locator(f"#item-{forget_gate.pk}")).to_be_visible()
    screenshot("agenda-print", desk)
    desk.emulate_media(media="screen")

    # After the meeting (the notes quote the agenda, so members read them once it has started), the
    # notes start from the answered and picked items.
    Week.objects.filter(pk=scope.week.pk).update(meeting_at=timezone.now() - timezone.timedelta(hours=2))
    desk.get_by_role("link", name="Write the meeting notes").click()
    desk.wait_for_url("**/meeting-notes/")
    notes = desk.get_by_label("Meeting notes")
    expect(notes).to_have_value(
        re.compile(rf"## Answered\s+- \[#{forget_gate.pk}\]\(/weeks/3/agenda/#item-{forget_gate.pk}\)")
    )
    notes.fill(notes.input_value() + "\nNext week: bring one question about GRUs.\n")
    desk.get_by_role("button", name="Save the notes").click()
    expect(desk.get_by_role("heading", name="Meeting notes")).to_be_visible()
    expect(desk.locator("#meeting-notes")).to_contain_text("Next week: bring one question about GRUs.")

    # Ada sees her item answered, with a link to the notes; Alan's merged item counts as answered too.
    ada = pages["ada"]
    ada.goto("/weeks/3/agenda/")
    expect(ada.get_by_role("heading", name="Your items")).to_be_visible()
    expect(ada.locator(".agenda-mine")).to_contain_text("1 answered at the meeting")
    ada.locator(f"#item-{forget_gate.pk}").get_by_role("link", name="Meeting notes").click()
    expect(ada.locator("#meeting-notes")).to_be_in_viewport()
    alan = pages["alan"]
    alan.goto("/weeks/3/agenda/")
    expect(alan.locator(".agenda-mine")).to_contain_text(f"merged into #{forget_gate.pk}")
    expect(alan.locator(".agenda-mine")).to_contain_text("Answered")

    phone = sign_in(new_page(), members["grace"])
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto("/weeks/3/agenda/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("agenda-phone", phone)

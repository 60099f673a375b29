"""The organisers' side of the agenda (pin, reorder, merge, pick, answer), the author's correction of
where an item is about, and the week's meeting notes. Every write goes through ``reviews.services``."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from papers import selectors as curriculum
from reviews import selectors, services
from reviews.forms import ItemMergeForm, ItemOutcomeForm, ItemPlaceForm, MeetingNotesForm
from reviews.models import ReviewItem
from reviews.views.refusals import require

ORGANISERS_ONLY = "Only organisers run the meeting's agenda."


def _item(request, pk: int, rule: str, *, gate: str, reason: str) -> ReviewItem:
    """The item, if ``rule`` allows the user to act on it. Who may not use the page at all (``gate``) is
    told why; for anyone else, an item that is missing and one they may not touch answer alike (404),
    so the answer says nothing about items in drafts or hidden scopes."""
    require(request, gate, reason=reason)
    item = ReviewItem.objects.select_related("review__scope__week", "review__author").filter(pk=pk).first()
    if item is None or not rules.test_rule(rule, request.user, item):
        raise Http404("No such item on the agenda.")
    return item


def _agenda_item(request, pk: int) -> ReviewItem:
    return _item(request, pk, "reviews.run_agenda", gate="core.organise", reason=ORGANISERS_ONLY)


def _back_to(item: ReviewItem):
    number = item.review.scope.week.number
    return redirect(f"{reverse('reviews:week_agenda', args=[number])}#item-{item.pk}")


def _first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "That did not work."


@require_POST
@login_required
def item_pin(request, pk: int):
    item = _agenda_item(request, pk)
    try:
        pinned = services.item_pin_toggle(item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(
            request, f"Item #{item.pk} is pinned to the top." if pinned else f"Item #{item.pk} is unpinned."
        )
    return _back_to(item)


@require_POST
@login_required
def item_move(request, pk: int):
    item = _agenda_item(request, pk)
    up = request.POST.get("direction") != "down"
    try:
        services.item_move(item=item, by=request.user, up=up)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, f"Item #{item.pk} moved {'up' if up else 'down'}.")
    return _back_to(item)


@require_POST
@login_required
def item_merge(request, pk: int):
    """Merges this item, a duplicate, into the item whose number the organiser typed."""
    duplicate = _agenda_item(request, pk)
    form = ItemMergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Type the number of the item this one duplicates (shown as #12 beside each item).")
        return _back_to(duplicate)
    into = ReviewItem.objects.select_related("review__scope__week").filter(pk=form.cleaned_data["into"]).first()
    if into is None or not rules.test_rule("reviews.run_agenda", request.user, into):
        messages.error(request, f"There is no item #{form.cleaned_data['into']} on the agenda.")
        return _back_to(duplicate)
    try:
        target = services.items_merge(duplicate=duplicate, into=into, by=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
        return _back_to(duplicate)
    messages.success(
        request, f"Item #{duplicate.pk} is merged into #{target.pk}: its votes were added, its text is kept."
    )
    return _back_to(target)


@login_required
def item_outcome(request, pk: int):
    """Marks an item picked for the meeting or answered, with an optional answer note."""
    item = _agenda_item(request, pk)
    status = 200
    if request.method == "POST":
        form = ItemOutcomeForm(request.POST)
        if form.is_valid():
            try:
                # The quick buttons send no answer: the note already written stays.
                answer = form.cleaned_data["answer"] if "answer" in request.POST else None
                services.item_outcome_set(
                    item=item, by=request.user, outcome=form.cleaned_data["outcome"], answer=answer
                )
            except ValidationError as error:
                messages.error(request, _first_error(error))
                return _back_to(item)
            outcome = ReviewItem.Outcome(form.cleaned_data["outcome"])
            messages.success(request, f"Item #{item.pk}: {outcome.label.lower()}.")
            return _back_to(item)
        status = 400
    else:
        form = ItemOutcomeForm(initial={"outcome": item.outcome, "answer": item.answer})
    return render(request, "reviews/item_outcome.html", {"item": item, "form": form}, status=status)


@login_required
def item_place(request, pk: int):
    """The item's author says where in the paper it is about, or hands it back to the text."""
    item = _item(
        request,
        pk,
        "reviews.place_item",
        gate="reviews.write_review",
        reason="Members say where their items are.",
    )
    papers = list(item.review.scope.papers.order_by("position"))
    status = 200
    if request.method == "POST":
        form = ItemPlaceForm(request.POST, papers=papers)
        if form.is_valid():
            try:
                item = services.item_place_set(
                    item=item,
                    member=request.user,
                    paper_position=form.cleaned_data.get("paper"),
                    place_text=form.cleaned_data["place"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                where = item.place_label or "no particular place"
                messages.success(request, f"Your item is now about {where}.")
                return _back_to(item)
        status = 400
    else:
        initial = {"place": item.place_label if item.place_set_by_author else ""}
        if item.place_set_by_author and item.paper is not None:
            initial["paper"] = item.paper.position
        form = ItemPlaceForm(initial=initial, papers=papers)
    return render(request, "reviews/item_place.html", {"item": item, "form": form}, status=status)


@login_required
def meeting_notes(request, number: int):
    """The week's meeting notes, written by an organiser after the meeting; when there are none yet,
    the form starts from the picked and answered items, each linked to its place on the agenda."""
    require(request, "reviews.write_meeting_notes", reason="Only organisers write the meeting notes.")
    week = curriculum.week_page(number=number, user=request.user).week
    conflict, status = None, 200
    if request.method == "POST":
        form = MeetingNotesForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_notes_save(
                    week=week, text=form.cleaned_data["notes"], version=form.cleaned_data["version"], by=request.user
                )
            except services.StaleEdit as stale:
                conflict, status = stale.current, 409
                form.data = form.data.copy()
                form.data["version"] = conflict.meeting_notes_version
                messages.error(
                    request,
                    "Not saved: the notes were changed elsewhere since you opened them. Your text is kept below.",
                )
            except ValidationError as error:
                form.add_error("notes", error.messages)
                status = 400
            else:
                messages.success(request, "The meeting notes are saved and shown on the week page.")
                return redirect(f"{week.get_absolute_url()}#meeting-notes")
        else:
            status = 400
    else:
        notes = week.meeting_notes or _skeleton(request, week)
        form = MeetingNotesForm(initial={"notes": notes, "version": week.meeting_notes_version})
    context = {"week": week, "form": form, "conflict": conflict}
    return render(request, "reviews/meeting_notes_form.html", context, status=status)


def _skeleton(request, week) -> str:
    first = {ReviewItem.Outcome.ANSWERED: 0, ReviewItem.Outcome.PICKED: 1, ReviewItem.Outcome.OPEN: 2}
    agenda = selectors.week_agenda(week=week, user=request.user)
    marked = [item for item in agenda.items if item.outcome or item.pin_order is not None]
    items = sorted(marked, key=lambda item: first[item.outcome])  # stable: agenda order within each
    agenda = reverse("reviews:week_agenda", args=[week.number])
    return render_to_string("reviews/meeting_notes_skeleton.md", {"week": week, "items": items, "agenda": agenda})

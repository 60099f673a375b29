"""The organisers' desk: the progress board of a week, the weeks with their totals, reminding those who
have not written, and members' histories."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.roles import members_q
from desk import selectors, services
from papers.models import Week
from reviews.views.refusals import require

HISTORY_PER_PAGE = 20
ORGANISERS_ONLY = "The desk is for organisers."


def _organisers_only(request):
    """Visitors are sent to sign in; signed-in people who are not organisers get 403 with the reason."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(request, "core.organise", reason=ORGANISERS_ONLY)
    return None


def _active_only(request) -> bool:
    return request.GET.get("members") == "active"


@require_safe
def weeks(request):
    if refusal := _organisers_only(request):
        return refusal
    active_only = _active_only(request)
    context = {
        "progress": selectors.weeks_progress(active_only=active_only),
        "active_only": active_only,
        "active_weeks": selectors.ACTIVE_WEEKS,
    }
    return render(request, "desk/weeks.html", context)


@require_safe
def board(request, number: int):
    if refusal := _organisers_only(request):
        return refusal
    week = get_object_or_404(Week, number=number)
    active_only = _active_only(request)
    context = {
        "board": selectors.week_board(week=week, active_only=active_only),
        "week": week,
        "active_only": active_only,
        "active_weeks": selectors.ACTIVE_WEEKS,
    }
    return render(request, "desk/board.html", context)


@require_POST
def remind(request, number: int):
    if refusal := _organisers_only(request):
        return refusal
    week = get_object_or_404(Week, number=number)
    back = reverse("desk:board", args=[week.number])
    if request.POST.get("members") == "active":
        back += "?members=active"
    chosen = [value for value in request.POST.getlist("member") if value.isdigit()]
    if not chosen:
        messages.warning(request, "Select at least one member to remind.")
        return redirect(back)
    try:
        result = services.week_remind(week=week, members=[int(pk) for pk in chosen], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    text = f"Reminded {result.reminded} member{'s' if result.reminded != 1 else ''}."
    if result.already_today:
        text += f" {result.already_today} had been reminded about this week today already, so not again."
    if result.unreachable:
        text += f" {result.unreachable} could not be reminded (no email address or account inactive)."
    messages.success(request, text)
    return redirect(back)


def _history(request, member):
    is_self = member.pk == request.user.pk
    reviews = selectors.history_reviews(member=member, viewer=request.user)
    comments = selectors.history_comments(member=member, viewer=request.user)
    context = {
        "member": member,
        "is_self": is_self,
        "reviews_page": Paginator(reviews, HISTORY_PER_PAGE).get_page(request.GET.get("reviews")),
        "comments_page": Paginator(comments, HISTORY_PER_PAGE).get_page(request.GET.get("comments")),
    }
    return render(request, "desk/history.html", context)


@require_safe
@login_required
def my_history(request):
    """The signed-in member's own reviews (drafts included) and comments across weeks."""
    require(request, "reviews.read_reviews", reason="Your history is for verified members.")
    return _history(request, request.user)


@require_safe
def member_history(request, username: str):
    """An organiser's view of a member's history: drafts appear only as "a draft exists"."""
    if refusal := _organisers_only(request):
        return refusal
    member = get_object_or_404(
        get_user_model().objects.filter(members_q()).select_related("profile"), username=username
    )
    return _history(request, member)

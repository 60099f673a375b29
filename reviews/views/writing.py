"""Writing, publishing and unpublishing a review, and choosing to read without writing first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.markup import render_markdown
from reviews import services, throttles
from reviews.forms import ReviewForm
from reviews.models import Review, ReviewItem
from reviews.views.refusals import require, scope_or_404

HIDDEN_REFUSAL = (
    "Not saved: an organiser hid this review, and it stays as it is until they show it again. "
    "Your text is still in the form below; copy it if you want to keep it."
)


@login_required
def review_write(request, number: int, position: int):
    scope = scope_or_404(request.user, number, position)
    require(request, "reviews.write_review", reason="Only verified members write reviews.")
    review = Review.objects.filter(scope=scope, author=request.user).first()
    preview = conflict = None
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        action = request.POST.get("action", "draft")
        throttle = throttles.MARKDOWN_PREVIEW if action == "preview" else throttles.REVIEW_SAVE
        if not throttles.allow(request, throttle):
            # Refused before anything is validated, rendered or saved; the bound form gives the text back.
            messages.error(request, throttles.TOO_MANY)
            status = 429
        elif form.is_valid() and action == "preview":
            preview = [(form.fields[name].label, render_markdown(text)) for name, text in form.parts().items()]
        elif form.is_valid():
            try:
                saved = services.review_save(
                    scope=scope,
                    author=request.user,
                    parts=form.parts(),
                    version=form.cleaned_data["version"],
                    publish=action == "publish",
                )
            except services.StaleEdit as stale:
                conflict, status = stale.current, 409
                form.data = form.data.copy()
                form.data["version"] = conflict.version if conflict else ""
                messages.error(
                    request,
                    "Not saved: this review was changed in another tab or window since you opened it. "
                    "Your text is still in the form below and the saved version is shown above it. "
                    "Combine them, then save again.",
                )
            except services.ReviewHidden:
                status = 409
                messages.error(request, HIDDEN_REFUSAL)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _after_review_save(request, saved, action)
    else:
        form = ReviewForm(instance=review)
    context = {
        "scope": scope,
        "week": scope.week,
        "papers": list(scope.papers.all()),
        "review": review,
        "form": form,
        "preview": preview,
        "conflict": conflict,
        "autosave_key": f"review:{request.user.pk}:{scope.pk}",
    }
    return render(request, "reviews/review_form.html", context, status=status)


def _after_review_save(request, review, action):
    if review.is_published and action == "publish":
        messages.success(request, "Your review is published. You can now read the others' reviews of these papers.")
        return redirect(review)
    if review.is_published:
        messages.success(request, "Your changes are saved. The review shows as edited.")
        return redirect(review)
    time = timezone.localtime(review.updated).strftime("%H:%M")
    messages.success(request, f"Draft saved at {time}. Only you can see it.")
    return redirect("reviews:review_write", number=review.scope.week.number, position=review.scope.position)


@login_required
@require_POST
def review_unpublish(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("scope__week"), pk=pk, author=request.user)
    require(request, "reviews.write_review", reason="Only verified members write reviews.")
    try:
        services.review_unpublish(review=review)
    except services.ReviewHidden:
        messages.error(request, HIDDEN_REFUSAL)
        return redirect(review)
    messages.success(request, "Your review is a private draft again. Its comments are hidden until you publish it.")
    return redirect("reviews:review_write", number=review.scope.week.number, position=review.scope.position)


@login_required
def reading_choice(request, number: int, position: int):
    """ "I will not write one — show me": a page that says what the choice means, then the button."""
    scope = scope_or_404(request.user, number, position)
    require(request, "reviews.write_review", reason="Only verified members write reviews.")
    if request.method == "POST":
        services.reading_choice_record(scope=scope, member=request.user)
        messages.success(
            request,
            "You can now read the others' reviews of these papers. The organisers can see that you chose to "
            "read without writing first — you can still write yours, or undo this choice on the week page.",
        )
        return redirect(f"{scope.week.get_absolute_url()}#scope-{scope.position}")
    context = {"scope": scope, "week": scope.week, "papers": list(scope.papers.all())}
    return render(request, "reviews/reading_choice.html", context)


@require_POST
@login_required
def reading_choice_undo(request, number: int, position: int):
    scope = scope_or_404(request.user, number, position)
    require(request, "reviews.write_review", reason="Only verified members write reviews.")
    if services.reading_choice_undo(scope=scope, member=request.user):
        messages.success(
            request,
            f"Undone: the others' reviews of {scope.label()} are hidden again until you publish yours"
            + (" or the meeting starts." if scope.week.meeting_at else "."),
        )
    else:
        messages.info(request, "There was no choice to undo.")
    return redirect(f"{scope.week.get_absolute_url()}#scope-{scope.position}")


@require_POST
@login_required
def item_vote(request, pk: int):
    """Adds or takes back the member's "me too" (a confusion) or "+1" (a question), then back to the agenda."""
    item = get_object_or_404(ReviewItem.objects.select_related("review__scope__week"), pk=pk)
    require(request, "reviews.vote_item", item, reason="You can vote on the others' items you may read.")
    voted = services.item_vote_toggle(item=item, member=request.user)
    words = "Me too" if item.kind == ReviewItem.Kind.CONFUSION else "+1"
    messages.success(request, f"{words}: counted." if voted else f"{words}: taken back.")
    week = item.review.scope.week
    return redirect(f"{reverse('reviews:week_agenda', args=[week.number])}#item-{item.pk}")

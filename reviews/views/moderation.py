"""Organisers hide comments and reviews, each for a reason their author is told; members report comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from reviews import services
from reviews.forms import HideCommentForm, HideReviewForm, ReportCommentForm
from reviews.views.refusals import comment_or_404, require, review_or_refusal


def _hide_or_show(request, thing, *, set_hidden, form_class, shown_again: str, hidden: str):
    """The shared steps of hiding: showing again is one button; hiding takes a reason from the form.
    Returns the redirect after a change, or the bound (or empty) form and the status to render it with."""
    if request.method == "POST" and request.POST.get("hidden") == "0":
        set_hidden(hidden=False, by=request.user)
        messages.success(request, shown_again)
        return redirect(thing), None, None
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_valid():
        set_hidden(hidden=True, by=request.user, **form.cleaned_data)
        messages.success(request, hidden)
        return redirect(thing), None, None
    return None, form, 400 if form.is_bound else 200


@login_required
def comment_hide(request, pk: int):
    """Hiding asks for a reason (told to the comment's author); showing it again is one button."""
    comment = comment_or_404(request, pk)
    require(request, "reviews.hide_comment", comment, reason="Only organisers can hide comments.")
    done, form, status = _hide_or_show(
        request,
        comment,
        set_hidden=lambda **change: services.comment_set_hidden(comment=comment, **change),
        form_class=HideCommentForm,
        shown_again="The comment is visible again.",
        hidden="The comment is hidden from members; its author is told why.",
    )
    if done:
        return done
    reports = list(comment.reports.filter(resolved_at__isnull=True).select_related("reporter"))
    context = {"comment": comment, "review": comment.review, "form": form, "reports": reports}
    return render(request, "reviews/comment_hide.html", context, status=status)


@login_required
def review_hide(request, pk: int):
    """Hiding a whole review asks for a reason (told to its author); showing it again is one button."""
    review, refusal = review_or_refusal(request, pk)
    if refusal:
        return refusal
    require(request, "reviews.hide_review", review, reason="Only organisers can hide published reviews.")
    done, form, status = _hide_or_show(
        request,
        review,
        set_hidden=lambda **change: services.review_set_hidden(review=review, **change),
        form_class=HideReviewForm,
        shown_again="The review is visible to members again.",
        hidden="The review is hidden from members, with its comments; its author is told why.",
    )
    if done:
        return done
    context = {"review": review, "week": review.scope.week, "form": form}
    return render(request, "reviews/review_hide.html", context, status=status)


@login_required
def comment_report(request, pk: int):
    """A member asks the organisers to look at a comment."""
    comment = comment_or_404(request, pk)
    require(request, "reviews.report_comment", comment, reason="You can report others' comments you can read.")
    form = ReportCommentForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        _, created = services.comment_report(comment=comment, reporter=request.user, **form.cleaned_data)
        messages.success(
            request,
            "Thank you: the organisers will look at it." if created else "You reported this comment already.",
        )
        return redirect(comment)
    status = 400 if form.is_bound else 200
    context = {"comment": comment, "review": comment.review, "form": form}
    return render(request, "reviews/comment_report.html", context, status=status)

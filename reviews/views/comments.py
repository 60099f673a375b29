"""Posting, editing and deleting comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.markup import render_markdown
from reviews import services, throttles
from reviews.forms import CommentEditForm, CommentForm
from reviews.models import Comment
from reviews.views.refusals import own_comment_for, require, review_or_refusal


@login_required
@require_POST
def comment_create(request, pk: int):
    review, refusal = review_or_refusal(request, pk)
    if refusal:
        return refusal
    require(request, "reviews.comment", review, reason="Only verified members can comment on published reviews.")
    form = CommentForm(request.POST)
    previewing = request.POST.get("action") == "preview"
    context = {"review": review, "form": form, "previewing": previewing}
    if not throttles.allow(request, throttles.MARKDOWN_PREVIEW if previewing else throttles.COMMENT_WRITE):
        messages.error(request, throttles.TOO_MANY)
        return render(request, "reviews/comment_form.html", context, status=429)
    parent = None
    if form.is_valid() and form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], review=review).first()
        if parent is None:
            form.add_error(None, "The comment you replied to no longer exists.")
    if form.is_valid() and previewing:
        context["preview_html"] = render_markdown(form.cleaned_data["body"])
        return render(request, "reviews/comment_form.html", context)
    if form.is_valid():
        try:
            comment = services.comment_create(
                review=review, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your reply is posted." if parent else "Your comment is posted.")
            # ?comment= opens the page of the discussion that holds it, which need not be the first.
            return redirect(f"{review.get_absolute_url()}?comment={comment.pk}#comment-{comment.pk}")
    return render(request, "reviews/comment_form.html", context, status=400)


@login_required
def comment_edit(request, pk: int):
    comment = own_comment_for(request, pk, "reviews.edit_comment")
    if comment is None and request.method == "POST":
        # Deleted in another tab or hidden by an organiser while being edited: the text is kept.
        return render(request, "reviews/comment_gone.html", {"body": request.POST.get("body", "")}, status=404)
    if comment is None:
        raise Http404("No such comment.")
    conflict = preview_html = None
    status = 200
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        previewing = request.POST.get("action") == "preview"
        if not throttles.allow(request, throttles.MARKDOWN_PREVIEW if previewing else throttles.COMMENT_WRITE):
            messages.error(request, throttles.TOO_MANY)
            status = 429
        elif form.is_valid() and previewing:
            preview_html = render_markdown(form.cleaned_data["body"])
        elif form.is_valid():
            try:
                services.comment_update(
                    comment=comment, body=form.cleaned_data["body"], version=form.cleaned_data["version"]
                )
            except services.StaleEdit as stale:
                conflict, status = stale.current, 409
                form.data = form.data.copy()
                form.data["version"] = conflict.version
                messages.error(
                    request,
                    "Not saved: this comment was changed elsewhere since you opened it. Your text is kept below.",
                )
            else:
                messages.success(request, "Your comment is updated.")
                return redirect(comment)
    else:
        form = CommentEditForm(instance=comment)
    context = {
        "comment": comment,
        "review": comment.review,
        "form": form,
        "conflict": conflict,
        "preview_html": preview_html,
    }
    return render(request, "reviews/comment_edit.html", context, status=status)


@login_required
def comment_delete(request, pk: int):
    comment = own_comment_for(request, pk, "reviews.delete_comment")
    if comment is None:
        raise Http404("No such comment.")
    if request.method == "POST":
        review = comment.review
        tombstone = services.comment_delete(comment=comment)
        messages.success(
            request,
            "Your comment is deleted; the replies to it stay." if tombstone else "Your comment is deleted.",
        )
        return redirect(review)
    return render(request, "reviews/comment_delete.html", {"comment": comment, "review": comment.review})

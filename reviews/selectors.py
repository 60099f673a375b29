"""Read-side queries for review pages; each runs a fixed number of queries whatever the data size."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber

from core.roles import is_in_the_group, is_member, organisers_q
from papers.models import Paper, ReviewScope
from reviews.models import Comment, Review
from reviews.rules import readable_reviews_q, unlocked_scopes_q

REVIEWS_PER_SCOPE_ON_WEEK_PAGE = 5
VISIBLE_COMMENTS = Q(comments__deleted_at__isnull=True, comments__hidden_at__isnull=True)


# Pages show an "organiser" badge next to organisers' names, asked in the same query as the rows.
AUTHOR_IS_ORGANISER = ExpressionWrapper(organisers_q(via="author__"), output_field=BooleanField())


def readable_reviews(user):
    """Every review ``user`` may read in full, with what list pages show of it."""
    return (
        Review.objects.filter(readable_reviews_q(user))
        .select_related("author__profile", "scope__week")
        .annotate(comment_count=Count("comments", filter=VISIBLE_COMMENTS), author_is_organiser=AUTHOR_IS_ORGANISER)
    )


@dataclass
class ScopePanel:
    scope: ReviewScope
    own: Review | None = None
    reviews: list[Review] = field(default_factory=list)
    published_count: int = 0
    unlocked: bool = False

    @property
    def others_count(self) -> int:
        own_published = 1 if self.own is not None and self.own.is_published else 0
        return self.published_count - own_published

    @property
    def more_count(self) -> int:
        """Readable reviews not listed on the week page."""
        return max(self.others_count - len(self.reviews), 0) if self.unlocked else 0

    @property
    def hidden_count(self) -> int:
        return 0 if self.unlocked else self.others_count


def week_review_panels(*, scopes: list[ReviewScope], user) -> list[ScopePanel]:
    """Per review scope of a week: the user's own review, the others' reviews they may read, and how
    many are hidden from them by the write-first rule."""
    panels = {scope.pk: ScopePanel(scope=scope) for scope in scopes}
    published = Review.objects.filter(scope__in=scopes, status=Review.Status.PUBLISHED)
    for row in published.values("scope").annotate(n=Count("pk")):
        panels[row["scope"]].published_count = row["n"]
    if is_member(user):
        for review in Review.objects.filter(scope__in=scopes, author=user):
            panels[review.scope_id].own = review
    unlocked_scopes = ReviewScope.objects.filter(unlocked_scopes_q(user), pk__in=list(panels))
    unlocked = set(unlocked_scopes.values_list("pk", flat=True))
    for panel in panels.values():
        panel.unlocked = panel.scope.pk in unlocked
    if is_in_the_group(user):
        others = readable_reviews(user).filter(scope__in=scopes, status=Review.Status.PUBLISHED)
        if user.is_authenticated:
            others = others.exclude(author=user)
        # The newest few per scope, in one query whatever the number of scopes or reviews.
        newest_first = [F("published_at").desc(), F("pk").desc()]
        others = others.annotate(rank=Window(RowNumber(), partition_by=F("scope_id"), order_by=newest_first))
        for review in others.filter(rank__lte=REVIEWS_PER_SCOPE_ON_WEEK_PAGE).order_by("scope_id", "rank"):
            panels[review.scope_id].reviews.append(review)
    return list(panels.values())


def scope_reviews(*, scope, user):
    """All reviews of ``scope`` that ``user`` may read, newest first (the scope's own page)."""
    return readable_reviews(user).filter(scope=scope, status=Review.Status.PUBLISHED).order_by("-published_at", "-pk")


def review_for_page(*, pk: int) -> Review | None:
    """The review with what its page shows; access is decided by ``rules.review_refusal``."""
    return (
        Review.objects.select_related("author__profile", "scope__week")
        .annotate(author_is_organiser=AUTHOR_IS_ORGANISER)
        .prefetch_related(Prefetch("scope__papers", queryset=Paper.objects.select_related("week").order_by("position")))
        .filter(pk=pk)
        .first()
    )


def comment_tree(*, review: Review) -> list[Comment]:
    """The review's comments as a tree: top-level comments, each with ``children`` in posting order."""
    comments = list(
        Comment.objects.filter(review=review)
        .select_related("author__profile", "hidden_by")
        .annotate(author_is_organiser=AUTHOR_IS_ORGANISER)
        .order_by("created", "pk")
    )
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        children[comment.parent_id].append(comment)
    for comment in comments:
        comment.children = children.get(comment.pk, [])
    return children.get(None, [])


def member_published_reviews(*, member, viewer):
    """``member``'s published reviews that ``viewer`` may read, newest first."""
    return (
        readable_reviews(viewer)
        .filter(author=member, status=Review.Status.PUBLISHED)
        .prefetch_related(Prefetch("scope__papers", queryset=Paper.objects.select_related("week").order_by("position")))
        .order_by("-published_at", "-pk")
    )

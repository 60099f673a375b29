"""The load-test data set: the harness's own factory_boy factories, and ``seed`` that builds it in bulk.

Import only once Django is set up (``python -m tools.perf.seed`` does that). Rows are built with
``build_batch`` and written with ``bulk_create``, which skips ``save()``: the factories render each
Markdown field's ``*_html`` twin themselves (and a review's excerpt), through ``core.markup`` as
``save()`` would. Rendering is memoised: the same text always gives the same HTML, and the data set
repeats a handful of texts hundreds of thousands of times at 10×.
"""

import functools
import random

import factory
import factory.fuzzy
import factory.random
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from core.markup import render_markdown
from members.models import Profile
from members.services import organiser_grant
from papers.models import Paper, Resource, ReviewScope, Week
from reviews.models import Comment, Review, summary_excerpt
from search.services import search_index_rebuild

# At scale 1; every count is multiplied by the scale.
WEEKS, PAPERS_PER_WEEK, MEMBERS, REVIEWS, COMMENTS = 20, 3, 200, 2_000, 20_000
BATCH = 2_000
SEED = 42
PASSWORD = "perf-member-pass"
SUMMARIES = [
    "The authors train a **deep network** end to end and show that depth helps.\n\n- residual links\n- batch norm",
    "A careful ablation: *which* gate of the LSTM matters? Mostly the forget gate.",
    "Attention lets the decoder look back at every encoder state; see Eq. 4 and Table 2.",
]
COMMENT_TEXTS = [
    "Good point about the `learning rate`.",
    "I read Section 3 differently.",
    "+1, and see [^1].\n\n[^1]: fn",
]

rendered = functools.cache(render_markdown)
excerpt_of = functools.cache(summary_excerpt)
password_hash = functools.cache(make_password)  # one hash for every member: hashing is slow on purpose


def html_of(field: str) -> factory.LazyAttribute:
    """The sanitised HTML twin of a Markdown field, as ``RenderedMarkdownModel.save()`` would store it."""
    return factory.LazyAttribute(lambda row: rendered(getattr(row, field)))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.LazyFunction(lambda: password_hash(PASSWORD))


class EmailAddressFactory(factory.django.DjangoModelFactory):
    """A verified primary address, so members can sign in (pass ``user``)."""

    class Meta:
        model = EmailAddress

    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    display_name = factory.LazyAttribute(lambda profile: f"Member {profile.user.pk}")


class WeekFactory(factory.django.DjangoModelFactory):
    """Weekly from ``weeks`` weeks ago: most meetings are over, so most reviews are readable; the last
    weeks are current."""

    class Meta:
        model = Week

    class Params:
        weeks = WEEKS
        now = factory.LazyFunction(timezone.now)

    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda week: f"Topic {week.number}")
    intro = "Read the papers **carefully**."
    intro_html = html_of("intro")
    published_at = factory.LazyAttribute(
        lambda week: week.now - timezone.timedelta(days=7 * (week.weeks - week.number + 1))
    )
    meeting_at = factory.LazyAttribute(
        lambda week: week.now + timezone.timedelta(days=7 * (week.number - week.weeks + 2))
    )


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    title = factory.LazyAttribute(lambda paper: f"Paper {paper.position} of week {paper.week.number}")
    authors = "A. Author, B. Author"
    year = 2015


class ResourceFactory(factory.django.DjangoModelFactory):
    """A video about one paper (pass ``paper``)."""

    class Meta:
        model = Resource

    week = factory.SelfAttribute("paper.week")
    url = factory.LazyAttribute(lambda resource: f"https://www.youtube.com/watch?v={resource.paper.pk}")
    kind = Resource.Kind.VIDEO


class ReviewScopeFactory(factory.django.DjangoModelFactory):
    """The scope covering one paper (pass ``paper``; the many-to-many row is written separately)."""

    class Meta:
        model = ReviewScope

    class Params:
        paper = None

    week = factory.SelfAttribute("paper.week")
    position = factory.SelfAttribute("paper.position")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    summary = factory.fuzzy.FuzzyChoice(SUMMARIES)
    summary_html = html_of("summary")
    excerpt = factory.LazyAttribute(lambda review: excerpt_of(review.summary_html))
    confusions = "Eq. 3"
    confusions_html = html_of("confusions")
    questions = "Why?"
    questions_html = html_of("questions")
    status = Review.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    body = factory.fuzzy.FuzzyChoice(COMMENT_TEXTS)
    body_html = html_of("body")


def members(count: int) -> list:
    users = get_user_model().objects.bulk_create(UserFactory.build_batch(count), batch_size=BATCH)
    EmailAddress.objects.bulk_create(
        EmailAddressFactory.build_batch(count, user=factory.Iterator(users)), batch_size=BATCH
    )
    Profile.objects.bulk_create(ProfileFactory.build_batch(count, user=factory.Iterator(users)), batch_size=BATCH)
    return users


def curriculum(weeks: int) -> list[ReviewScope]:
    """``weeks`` published weeks of ``PAPERS_PER_WEEK`` papers, each paper with a video and a scope."""
    week_rows = Week.objects.bulk_create(
        WeekFactory.build_batch(weeks, weeks=weeks, now=timezone.now(), number=factory.Iterator(range(1, weeks + 1)))
    )
    papers = Paper.objects.bulk_create(
        PaperFactory.build_batch(
            weeks * PAPERS_PER_WEEK,
            week=factory.Iterator([week for week in week_rows for _ in range(PAPERS_PER_WEEK)]),
            position=factory.Iterator(range(1, PAPERS_PER_WEEK + 1)),
        )
    )
    Resource.objects.bulk_create(ResourceFactory.build_batch(len(papers), paper=factory.Iterator(papers)))
    scopes = ReviewScope.objects.bulk_create(
        ReviewScopeFactory.build_batch(len(papers), paper=factory.Iterator(papers))
    )
    through = ReviewScope.papers.through
    through.objects.bulk_create(
        [through(reviewscope=scope, paper=paper) for scope, paper in zip(scopes, papers, strict=True)]
    )
    return scopes


def reviews(rng: random.Random, scopes: list, authors: list, count: int) -> list[Review]:
    """``count`` published reviews, each by a different member or of a different scope."""
    pairs = set()
    while len(pairs) < count:
        pairs.add((rng.randrange(len(scopes)), rng.randrange(len(authors))))
    pairs = sorted(pairs)
    rows = ReviewFactory.build_batch(
        count,
        scope=factory.Iterator([scopes[s] for s, _ in pairs]),
        author=factory.Iterator([authors[a] for _, a in pairs]),
    )
    return Review.objects.bulk_create(rows, batch_size=BATCH)


def comments(reviews: list[Review], authors: list, count: int) -> None:
    """Half of them on the reviews in turn, the other half replies to those, one each."""
    top_level = Comment.objects.bulk_create(
        CommentFactory.build_batch(
            count // 2, review=factory.Iterator(reviews), author=factory.fuzzy.FuzzyChoice(authors)
        ),
        batch_size=BATCH,
    )
    parents = top_level[: count - len(top_level)]
    replies = CommentFactory.build_batch(
        len(parents),
        parent=factory.Iterator(parents),
        review=factory.SelfAttribute("parent.review"),
        body=factory.SelfAttribute("parent.body"),
        author=factory.fuzzy.FuzzyChoice(authors),
    )
    Comment.objects.bulk_create(replies, batch_size=BATCH)


def subjects(sessions: int = 20) -> dict:
    """The rows the benchmarks look at: the latest week whose meeting is over (its reviews are readable),
    its first review, up to ``sessions`` members who wrote one of the week's reviews and as many who did
    not, and an organiser."""
    published = Review.objects.filter(status=Review.Status.PUBLISHED)
    week = (
        Week.objects.filter(meeting_at__lte=timezone.now(), review_scopes__reviews__in=published)
        .order_by("-number")
        .first()
    )
    wrote = published.filter(scope__week=week).values("author")
    members = get_user_model().objects.filter(is_staff=False).order_by("pk")
    return {
        "week": week,
        "review": published.filter(scope__week=week).select_related("scope__week", "author").order_by("pk").first(),
        "writers": list(members.filter(pk__in=wrote)[:sessions]),
        "readers": list(members.exclude(pk__in=wrote)[:sessions]),
        "organiser": get_user_model().objects.filter(is_staff=True).order_by("pk").first(),
    }


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user, backend="members.auth_backends.MemberModelBackend")
    return client.cookies["sessionid"].value


def targets(sessions: int = 20) -> dict:
    """What the load generators need: session cookies (members who wrote a review of the target week, members
    who did not, an organiser) and the pages worth hitting."""
    rows = subjects(sessions)
    review = rows["review"]
    readable = Review.objects.filter(status=Review.Status.PUBLISHED, scope__week__meeting_at__lte=timezone.now())
    return {
        "sessions": [session_cookie(user) for user in rows["writers"]],
        "sessions_without_review": [session_cookie(user) for user in rows["readers"]],
        "organiser_sessions": [session_cookie(rows["organiser"])],
        "weeks": list(Week.objects.order_by("number").values_list("number", flat=True)),
        "reviews": list(readable.order_by("pk").values_list("pk", flat=True)[:200]),
        "review": review.pk,
        "week": review.scope.week.number,
        "scope": review.scope.position,
        "member": review.author.get_username(),
    }


class NotEmpty(Exception):
    pass


def seed(scale: int = 1, sessions: int = 20) -> dict:
    """Fill an empty database with the data set at ``scale``; returns ``targets``."""
    if Week.objects.exists():
        raise NotEmpty("The database already has weeks; the seed only fills an empty one.")
    factory.random.reseed_random(SEED)  # the same data set on every run
    rng = random.Random(SEED)
    with transaction.atomic():
        users = members(MEMBERS * scale)
        organiser_grant(user=users[-1])
        scopes = curriculum(WEEKS * scale)
        review_rows = reviews(rng, scopes, users, REVIEWS * scale)
        comments(review_rows, users, COMMENTS * scale)
    search_index_rebuild()  # bulk_create skips the receivers that keep the index current
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return targets(sessions)

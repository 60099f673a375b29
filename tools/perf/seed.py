"""A realistic data set for load tests and benchmarks (never for a real site).

Scale 1: 20 weeks, 60 papers, 200 members, 2,000 reviews, 20,000 comments. Prints, as JSON, what the
load generators need: session cookies of some members, and the URLs worth hitting.
"""

import json
import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from core.markup import render_markdown
from members.models import Profile
from papers.models import Paper, Resource, ReviewScope, Week
from reviews.models import Comment, Review, summary_excerpt

WEEKS, PAPERS_PER_WEEK, MEMBERS, REVIEWS, COMMENTS = 20, 3, 200, 2_000, 20_000
BATCH = 2_000
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


class Command(BaseCommand):
    help = "Fill an empty database with a load-test data set (refuses a database that has weeks)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--sessions", type=int, default=20)

    def handle(self, *args, scale, sessions, **options):
        if Week.objects.exists():
            raise CommandError("The database already has weeks; perf_seed only fills an empty one.")
        rng = random.Random(42)
        with transaction.atomic():
            members = self.members(MEMBERS * scale)
            scopes = self.curriculum(WEEKS * scale)
            reviews = self.reviews(rng, scopes, members, REVIEWS * scale)
            self.comments(rng, reviews, members, COMMENTS * scale)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(json.dumps(self.targets(members[:sessions], reviews, scopes)))

    def members(self, count):
        password = make_password("perf-member-pass")
        user_model = get_user_model()
        users = user_model.objects.bulk_create(
            [
                user_model(username=f"member{n}", email=f"member{n}@example.com", password=password)
                for n in range(count)
            ],
            batch_size=BATCH,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=BATCH
        )
        Profile.objects.bulk_create([Profile(user=u, display_name=f"Member {u.pk}") for u in users], batch_size=BATCH)
        return users

    def curriculum(self, weeks):
        now = timezone.now()
        rows = [
            Week(
                number=n,
                title=f"Topic {n}",
                intro="Read the papers **carefully**.",
                intro_html=render_markdown("Read the papers **carefully**."),
                published_at=now - timezone.timedelta(days=7 * (weeks - n + 1)),
                # Most meetings are over, so most reviews are readable; the last weeks are current.
                meeting_at=now + timezone.timedelta(days=7 * (n - weeks + 2)),
            )
            for n in range(1, weeks + 1)
        ]
        weeks = Week.objects.bulk_create(rows)
        papers = Paper.objects.bulk_create(
            [
                Paper(
                    week=w, position=p, title=f"Paper {p} of week {w.number}", authors="A. Author, B. Author", year=2015
                )
                for w in weeks
                for p in range(1, PAPERS_PER_WEEK + 1)
            ]
        )
        Resource.objects.bulk_create(
            [
                Resource(week=p.week, paper=p, url=f"https://www.youtube.com/watch?v={p.pk}", kind="video")
                for p in papers
            ]
        )
        scopes = ReviewScope.objects.bulk_create([ReviewScope(week=p.week, position=p.position) for p in papers])
        ReviewScope.papers.through.objects.bulk_create(
            [ReviewScope.papers.through(reviewscope=s, paper=p) for s, p in zip(scopes, papers, strict=True)]
        )
        return scopes

    def reviews(self, rng, scopes, members, count):
        now = timezone.now()
        pairs = set()
        while len(pairs) < count:
            pairs.add((rng.randrange(len(scopes)), rng.randrange(len(members))))
        html = {text: render_markdown(text) for text in SUMMARIES}
        rows = []
        for scope_index, member_index in sorted(pairs):
            text = rng.choice(SUMMARIES)
            rows.append(
                Review(
                    scope=scopes[scope_index], author=members[member_index], summary=text, summary_html=html[text],
                    excerpt=summary_excerpt(html[text]),
                    confusions="Eq. 3", confusions_html="<p>Eq. 3</p>", questions="Why?", questions_html="<p>Why?</p>",
                    status=Review.Status.PUBLISHED, published_at=now,
                )
            )  # fmt: skip
        return Review.objects.bulk_create(rows, batch_size=BATCH)

    def comments(self, rng, reviews, members, count):
        html = {text: render_markdown(text) for text in COMMENT_TEXTS}
        top_level = []
        for n in range(count // 2):
            text = rng.choice(COMMENT_TEXTS)
            top_level.append(
                Comment(review=reviews[n % len(reviews)], author=rng.choice(members), body=text, body_html=html[text])
            )
        top_level = Comment.objects.bulk_create(top_level, batch_size=BATCH)
        replies = [
            Comment(
                review=parent.review,
                parent=parent,
                author=rng.choice(members),
                body=parent.body,
                body_html=parent.body_html,
            )
            for parent in top_level[: count - len(top_level)]
        ]
        Comment.objects.bulk_create(replies, batch_size=BATCH)

    def targets(self, members, reviews, scopes):
        cookies = []
        for member in members:
            client = Client()
            client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
            cookies.append(client.cookies["sessionid"].value)
        readable = [r for r in reviews if r.scope.week.meeting_at <= timezone.now()]
        return {
            "sessions": cookies,
            "weeks": [s.week.number for s in scopes[::PAPERS_PER_WEEK]],
            "reviews": [r.pk for r in readable[:200]],
            "review": readable[0].pk,
            "week": readable[0].scope.week.number,
        }

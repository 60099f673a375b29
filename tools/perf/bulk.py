"""The large data set of ``bench --scale``: 60 weeks, 2,000 members, 100,000 reviews, 1,000,000 comments.

Members and the curriculum are small and come from ``tools.perf.dataset``'s factories. Reviews and
comments are written with PostgreSQL's ``COPY`` (psycopg 3's ``cursor.copy()``), with their ids chosen
here so replies can name their parents in the same stream. For the load only, the tables' plain
indexes are dropped and rebuilt afterwards, and foreign-key triggers are off
(``session_replication_role = replica``): every id written comes from rows this module just wrote, and
``check()`` verifies that afterwards. Rows are what the app would store: rendered ``*_html`` twins
(each text rendered once), excerpts, statuses with publication times, threads of replies.

Import only once Django is set up (``python -m tools.perf.seed --big`` does that).
"""

import random
import time
from datetime import timedelta

import factory.random
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from members.services import organiser_grant
from papers.models import Week
from reviews.models import Comment, ModerationReason, Review
from search import services as search_services
from search.models import SearchEntry
from search.services import search_index_rebuild
from tools.perf import dataset

WEEKS, MEMBERS, REVIEWS, COMMENTS, BUSY_REVIEW_COMMENTS = 60, 2_000, 100_000, 1_000_000, 500
DRAFT_SHARE, REPLY_SHARE, DELETED_SHARE, HIDDEN_SHARE = 0.02, 0.5, 0.01, 0.005
HIDDEN_REASON = ModerationReason.OFF_TOPIC

SUMMARIES = [
    "The authors train a **deep residual network** end to end and show that depth helps once every block "
    "learns a correction to its input instead of a whole new mapping.\n\n- identity shortcuts cost nothing\n"
    "- batch norm after every convolution\n- 152 layers beat 34 on ImageNet\n\nThe ablation in Table 3 "
    "is the heart of it: without shortcuts the deeper plain network trains *worse*, not just slower.",
    "A careful ablation: *which* gate of the LSTM matters? Mostly the forget gate, and its bias should "
    "start at 1 so that gradients flow early in training. The GRU, with fewer parameters, is about as good "
    "on most tasks. See [the paper](https://arxiv.org/abs/1503.04069) for the search over 5,400 runs.",
    "Attention lets the decoder look back at every encoder state instead of squeezing the sentence into "
    "one vector. The score is a small network, $e_{ij} = a(s_{i-1}, h_j)$, and the weights are its softmax "
    "over $j$. Long sentences no longer fall apart: see Figure 2 and the alignments in Figure 3.",
    "Dropout as a cheap ensemble: every step trains a thinned network, and at test time the full "
    "network with scaled weights approximates their average. Works for `Linear` and convolutional "
    "layers alike; rates of 0.5 for hidden units and 0.2 for inputs are the defaults they recommend.",
]
CONFUSIONS = [
    "Why does Eq. 3 need the projection $W_s$ only when the dimensions change? What happens to the "
    "gradient through the shortcut when it is there?",
    "Section 4.2 says the initialisation matters less with batch norm, but Table 2 seems to say otherwise.",
]
QUESTIONS = [
    "1. Would the result hold for text?\n2. Is depth or width the better use of a fixed budget?",
    "Could we reproduce Figure 4 on a small data set before the meeting?",
]
COMMENT_TEXTS = [
    "Good point about the `learning rate`: in my runs it mattered more than the depth did.",
    "I read Section 3 differently. The shortcut is not free when the shapes differ, and that is most "
    "of the interesting layers.",
    "+1, and see the appendix [^1].\n\n[^1]: Table 7 has the numbers for the smaller models.",
    "Has anyone tried this with **layer norm** instead? The paper predates it, but the argument in "
    "Section 2 should carry over.",
    "> the deeper plain network trains worse\n\nThat surprised me too. Is it optimisation or generalisation?",
    "Thanks, this is the clearest summary of the paper I have read. The figure with the loss curves helps.",
]


def copy(model, columns: list[str], rows) -> int:
    """Writes ``rows`` (tuples in ``columns`` order) into ``model``'s table with COPY; returns how many."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as stream:
        for row in rows:
            stream.write_row(row)
            written += 1
    return written


def plain_indexes(model) -> list[str]:
    """``CREATE INDEX`` statements of the table's indexes that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [model._meta.db_table],
        )
        return [row[0] for row in cursor.fetchall()]


def drop_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        for definition in definitions:
            # "CREATE [UNIQUE] INDEX name ON ..." → the name
            name = definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0]
            cursor.execute(f"DROP INDEX {name}")


def review_rows(rng: random.Random, scopes: list, user_ids: list[int]):
    """Reviews of distinct (scope, author) pairs, published between their week's publication and meeting
    (or now); a few drafts. Yields (id, scope, published_at, row)."""
    now = timezone.now()
    pairs = sorted(rng.sample(range(len(scopes) * len(user_ids)), REVIEWS))
    html = {text: dataset.rendered(text) for text in SUMMARIES + CONFUSIONS + QUESTIONS}
    for pk, pair in enumerate(pairs, start=1):
        scope, author = scopes[pair // len(user_ids)], user_ids[pair % len(user_ids)]
        week = scope.week
        window = (min(week.meeting_at, now) - week.published_at).total_seconds()
        written = week.published_at + timedelta(seconds=rng.uniform(0, window))
        draft = rng.random() < DRAFT_SHARE
        summary, confusions, questions = rng.choice(SUMMARIES), rng.choice(CONFUSIONS), rng.choice(QUESTIONS)
        yield pk, scope, None if draft else written, (
            pk, written, written, scope.pk, author, summary, html[summary], confusions, html[confusions],
            questions, html[questions], Review.Status.DRAFT if draft else Review.Status.PUBLISHED,
            None if draft else written, None, 1, dataset.excerpt_of(html[summary]), "", "",
        )  # fmt: skip


REVIEW_COLUMNS = [
    "id", "created", "updated", "scope_id", "author_id", "summary", "summary_html", "confusions",
    "confusions_html", "questions", "questions_html", "status", "published_at", "edited_at", "version", "excerpt",
    "hidden_reason", "hidden_note",
]  # fmt: skip
COMMENT_COLUMNS = [
    "id", "created", "updated", "review_id", "author_id", "parent_id", "body", "body_html", "edited_at",
    "deleted_at", "hidden_at", "hidden_by_id", "hidden_reason", "hidden_note", "version",
]  # fmt: skip


def comment_rows(rng: random.Random, reviews: list[tuple], busy: int, user_ids: list[int], organiser: int):
    """``COMMENTS`` comments on published reviews: ``BUSY_REVIEW_COMMENTS`` on the review ``busy``, the
    rest spread at random. Each comment is top-level or, ``REPLY_SHARE`` of the time, a reply to an
    earlier comment of its review (so threads nest); a few are deleted (tombstones) or hidden."""
    now = timezone.now()
    others = [review for review in reviews if review[0] != busy]
    counts = [0] * len(others)
    for index in rng.choices(range(len(others)), k=COMMENTS - BUSY_REVIEW_COMMENTS):
        counts[index] += 1
    html = {text: dataset.rendered(text) for text in COMMENT_TEXTS}
    plan = [(pk, published, n) for (pk, published), n in zip(others, counts, strict=True) if n]
    plan.append((busy, dict(reviews)[busy], BUSY_REVIEW_COMMENTS))
    pk = 0
    for review, published, count in plan:
        window = max(60.0, min((now - published).total_seconds(), 21 * 86400))
        offsets = sorted(rng.uniform(0, window) for _ in range(count))
        first = pk + 1
        for n, offset in enumerate(offsets):
            pk += 1
            created = published + timedelta(seconds=offset)
            parent = first + rng.randrange(n) if n and rng.random() < REPLY_SHARE else None
            body = rng.choice(COMMENT_TEXTS)
            fate = rng.random()
            deleted = created if fate < DELETED_SHARE else None
            hidden = created if DELETED_SHARE <= fate < DELETED_SHARE + HIDDEN_SHARE else None
            yield (
                pk, created, created, review, rng.choice(user_ids), parent, body, html[body], None, deleted,
                hidden, organiser if hidden else None, HIDDEN_REASON if hidden else "", "", 1,
            )  # fmt: skip


def busy_review() -> int:
    """The review to get ``BUSY_REVIEW_COMMENTS`` comments: in the benchmarks' week, but not the one they
    show as a typical review."""
    rows = dataset.subjects(sessions=0)
    published = Review.objects.filter(status=Review.Status.PUBLISHED, scope__week=rows["week"])
    return published.exclude(pk=rows["review"].pk).order_by("pk").values_list("pk", flat=True)[0]


def noting_published(reviews, published: list):
    for pk, _scope, published_at, row in reviews:
        if published_at is not None:
            published.append((pk, published_at))
        yield row


def index_for_search() -> int:
    """The search entries of the published reviews and their shown comments, as ``search.services``
    would write them: the text from its own functions (each distinct text once), the vector from the
    same expression, and each row from one ``INSERT … SELECT`` joined to those few texts."""
    config = search_services.SEARCH_CONFIG
    vector = f"setweight(to_tsvector('{config}', ''), 'A') || setweight(to_tsvector('{config}', t.text), 'B')"
    reviews = {(s, c, q) for s in SUMMARIES for c in CONFUSIONS for q in QUESTIONS}
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE review_text (summary_html text, confusions_html text, questions_html text, "
            "text text) ON COMMIT DROP"
        )
        cursor.execute("CREATE TEMP TABLE comment_text (body_html text, text text) ON COMMIT DROP")
        for parts in reviews:
            html = [dataset.rendered(part) for part in parts]
            cursor.execute(
                "INSERT INTO review_text VALUES (%s, %s, %s, %s)", [*html, search_services.review_text(*html)]
            )
        for body in COMMENT_TEXTS:
            html = dataset.rendered(body)
            cursor.execute("INSERT INTO comment_text VALUES (%s, %s)", [html, search_services.comment_text(html)])
        columns = (
            "kind, week_id, scope_id, review_author_id, review_id, comment_id, written_at, title, text, search_vector, "
            "updated"
        )
        cursor.execute(
            f"INSERT INTO search_searchentry ({columns}) "
            f"SELECT 'review', s.week_id, r.scope_id, r.author_id, r.id, NULL, r.published_at, '', t.text, {vector}, "
            "r.updated "
            "FROM reviews_review r JOIN papers_reviewscope s ON s.id = r.scope_id JOIN review_text t "
            "ON (t.summary_html, t.confusions_html, t.questions_html) "
            "= (r.summary_html, r.confusions_html, r.questions_html) "
            "WHERE r.status = 'published'"
        )
        written = cursor.rowcount
        cursor.execute(
            f"INSERT INTO search_searchentry ({columns}) "
            f"SELECT 'comment', s.week_id, r.scope_id, r.author_id, NULL, c.id, c.created, '', t.text, {vector}, "
            "c.updated "
            "FROM reviews_comment c JOIN reviews_review r ON r.id = c.review_id "
            "JOIN papers_reviewscope s ON s.id = r.scope_id JOIN comment_text t ON t.body_html = c.body_html "
            "WHERE r.status = 'published' AND c.hidden_at IS NULL AND c.deleted_at IS NULL"
        )
        return written + cursor.rowcount


def check() -> None:
    """Every foreign key written with the triggers off names an existing row."""
    orphans = {  # (table, condition on its row "t" that names a missing row)
        "comment review": ("reviews_comment", "NOT EXISTS (SELECT 1 FROM reviews_review r WHERE r.id = t.review_id)"),
        "comment parent": (
            "reviews_comment",
            "t.parent_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM reviews_comment p WHERE p.id = t.parent_id AND p.review_id = t.review_id)",
        ),
        "comment author": ("reviews_comment", "NOT EXISTS (SELECT 1 FROM auth_user u WHERE u.id = t.author_id)"),
        "review author": ("reviews_review", "NOT EXISTS (SELECT 1 FROM auth_user u WHERE u.id = t.author_id)"),
        "review scope": ("reviews_review", "NOT EXISTS (SELECT 1 FROM papers_reviewscope s WHERE s.id = t.scope_id)"),
    }
    with connection.cursor() as cursor:
        for name, (table, condition) in orphans.items():
            cursor.execute(f"SELECT count(*) FROM {table} t WHERE {condition}")
            if found := cursor.fetchone()[0]:
                raise RuntimeError(f"{found} rows with a dangling {name}")


def seed_big(sessions: int = 20) -> dict:
    """Fill an empty PostgreSQL database with the large data set; returns ``dataset.targets``. Prints
    (to stderr, via ``log``) how long each step took."""
    if Week.objects.exists():
        raise dataset.NotEmpty("The database already has weeks; the seed only fills an empty one.")
    factory.random.reseed_random(dataset.SEED)
    rng = random.Random(dataset.SEED)
    clock = Clock()
    with transaction.atomic():
        users = dataset.members(MEMBERS)
        organiser_grant(user=users[-1])
        scopes = dataset.curriculum(WEEKS)
        search_index_rebuild()  # the curriculum's entries; the reviews' are written below
    clock.lap(f"{MEMBERS:,} members, {WEEKS} weeks with their papers and scopes")
    user_ids = [user.pk for user in users]
    indexes = {model: plain_indexes(model) for model in (Review, Comment, SearchEntry)}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")
        for definitions in indexes.values():
            drop_indexes(definitions)
        published = []  # (id, published_at) of the published reviews, filled as they are written
        count = copy(Review, REVIEW_COLUMNS, noting_published(review_rows(rng, scopes, user_ids), published))
        clock.lap(f"{count:,} reviews (COPY)")
        busy = busy_review()
        count = copy(Comment, COMMENT_COLUMNS, comment_rows(rng, published, busy, user_ids, users[-1].pk))
        clock.lap(f"{count:,} comments (COPY)")
        count = index_for_search()
        clock.lap(f"{count:,} search entries of reviews and comments (INSERT … SELECT)")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for definitions in indexes.values():
            for definition in definitions:
                cursor.execute(definition)
        for model in (Review, Comment):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        clock.lap(f"{sum(map(len, indexes.values()))} indexes rebuilt")
    check()
    clock.lap("foreign keys checked")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    clock.lap("VACUUM ANALYZE")
    found = dataset.targets(sessions)
    clock.lap("sessions signed in")
    found["seeding"] = clock.laps
    return found


class Clock:
    def __init__(self):
        self.began = self.last = time.monotonic()
        self.laps = []

    def lap(self, what: str) -> None:
        now = time.monotonic()
        self.laps.append(f"{what}: {now - self.last:.1f}s (total {now - self.began:.1f}s)")
        self.last = now

"""A database created before accounts moved to ``members`` (and before ``Week.slug`` went) migrates
forward with ``manage.py migrate`` and keeps every row.

The snapshots in ``tests/data/old_layout/`` were made with the previous layout: demo journey, demo
accounts with profiles, an organiser, a member's published review and draft, another review, a comment
and a hidden reply, a reading choice and an invitation. SQLite is checked in every run; PostgreSQL when
the suite itself runs on PostgreSQL (CI runs both).
"""

import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "tests" / "data" / "old_layout"
MOVED_TABLES = {"readinggroup_profile": "members_profile", "readinggroup_invitation": "members_invitation"}
MOVED_MODELS = {"profile", "invitation"}


class SQLiteDatabase:
    def __init__(self, directory: Path):
        self.path = directory / "old-layout.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def load(self):
        with closing(sqlite3.connect(self.path)) as connection:
            connection.executescript((SNAPSHOTS / "sqlite.sql").read_text(encoding="utf-8"))

    def _connect(self):
        connection = sqlite3.connect(self.path)
        connection.row_factory = sqlite3.Row
        return connection

    def tables(self) -> set[str]:
        with closing(self._connect()) as connection:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {row["name"] for row in rows if not row["name"].startswith("sqlite_")}

    def rows(self, table: str) -> list[dict]:
        with closing(self._connect()) as connection:
            return [dict(row) for row in connection.execute(f'SELECT * FROM "{table}"')]

    def drop(self):
        self.path.unlink(missing_ok=True)


class PostgreSQLDatabase:
    def __init__(self):
        server = settings.DATABASES["default"]
        self.conninfo = {
            "host": server["HOST"] or "127.0.0.1",
            "port": server["PORT"] or 5432,
            "user": server["USER"],
            "password": server["PASSWORD"] or None,
        }
        self.name = f"upgrade_{uuid.uuid4().hex[:12]}"
        credentials = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
        self.url = f"postgres://{credentials}@{self.conninfo['host']}:{self.conninfo['port']}/{self.name}"

    def _connect(self, dbname: str):
        return psycopg.connect(dbname=dbname, autocommit=True, **self.conninfo)

    def load(self):
        with self._connect("postgres") as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        with self._connect(self.name) as connection:
            connection.execute((SNAPSHOTS / "postgresql.sql").read_text(encoding="utf-8"))

    def tables(self) -> set[str]:
        with self._connect(self.name) as connection:
            query = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            return {name for (name,) in connection.execute(query)}

    def rows(self, table: str) -> list[dict]:
        with self._connect(self.name) as connection, connection.cursor(row_factory=psycopg.rows.dict_row) as cursor:
            return list(cursor.execute(f'SELECT * FROM "{table}"'))

    def drop(self):
        with self._connect("postgres") as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _postgresql_or_skip():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the suite runs on SQLite; the PostgreSQL upgrade is checked in the PostgreSQL run")
    return PostgreSQLDatabase()


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path):
    database = SQLiteDatabase(tmp_path) if request.param == "sqlite" else _postgresql_or_skip()
    database.load()
    yield database
    database.drop()


def manage(database, *args, stdin: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=database.url, DJANGO_SETTINGS_MODULE="readinggroup.settings", DJANGO_DEBUG="1")
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def snapshot(database) -> dict[str, list[dict]]:
    return {table: database.rows(table) for table in database.tables()}


GROWS_WITH_NEW_MODELS = {"auth_permission", "auth_group_permissions"}


def by_id(rows: list[dict]) -> dict:
    return {row["id"]: row for row in rows}


def test_every_row_survives_the_upgrade(old_database):
    before = snapshot(old_database)
    assert before["readinggroup_profile"] and before["readinggroup_invitation"] and before["reviews_review"]

    manage(old_database, "migrate", "--noinput")
    after = snapshot(old_database)

    assert not set(MOVED_TABLES) & set(after), "the old accounts tables are renamed, not copied"
    for old_table, new_table in MOVED_TABLES.items():
        # Columns added since (an invitation's expiry and revocation) are filled in; the old ones keep their values.
        kept = [{column: row[column] for column in before[old_table][0]} for row in after[new_table]]
        assert by_id(kept) == by_id(before[old_table])
    assert all(row["expires_at"] and row["revoked_at"] is None for row in after["members_invitation"])
    weeks_before = {row["id"]: {k: v for k, v in row.items() if k != "slug"} for row in before["papers_week"]}
    weeks_after = {row["id"]: {k: row[k] for k in weeks_before[row["id"]]} for row in after["papers_week"]}
    assert weeks_after == weeks_before
    assert all(row["meeting_notes"] == "" and row["meeting_notes_version"] == 0 for row in after["papers_week"])
    moved_types = [
        {**row, "app_label": "members"} if row["app_label"] == "readinggroup" else row
        for row in before["django_content_type"]
    ]
    types_after = by_id(after["django_content_type"])
    kept_types = {pk: row for pk, row in types_after.items() if pk in by_id(moved_types)}
    assert kept_types == by_id(moved_types), "content types keep their ids (models added since get new ones)"
    # Reviews written before agenda items existed get theirs from their confusions and questions.
    assert {row["review_id"] for row in after["reviews_reviewitem"]} == {
        row["id"] for row in before["reviews_review"] if row["confusions"].strip() or row["questions"].strip()
    }
    assert {(r["app"], r["name"]) for r in before["django_migrations"]} <= {
        (r["app"], r["name"]) for r in after["django_migrations"]
    }
    untouched = set(before) - set(MOVED_TABLES) - {"papers_week", "django_content_type", "django_migrations"}
    for table in sorted(untouched):
        # Columns added since keep their defaults; every column the old table had keeps its values.
        kept = [{column: row[column] for column in before[table][0]} for row in after[table]] if before[table] else []
        key = "id" if before[table] and "id" in before[table][0] else None
        if key and table in GROWS_WITH_NEW_MODELS:  # a model added since brings its permissions
            kept = [row for row in kept if row["id"] in by_id(before[table])]
        assert (by_id(kept) if key else kept) == (by_id(before[table]) if key else before[table]), table

    manage(old_database, "migrate", "--noinput")
    assert snapshot(old_database) == after, "a second migrate changes nothing"


UPGRADED_SITE_WORKS = """
from django.contrib.auth.models import Group
from members.models import Invitation, Profile
from members.services import invitation_create, profile_update
from tests.factories import UserFactory
from reviews.models import Review

ada_review = Review.objects.select_related("author__profile").get(author__username="ada", status="published")
print("review-author", ada_review.author.profile.name)
organisers = Group.objects.get(name="Organisers")
print("organisers-manage-profiles", organisers.permissions.filter(codename="change_profile").exists())
newcomer = UserFactory(username="after-upgrade")
profile_update(user=newcomer, display_name="Grace Hopper", bio="")
invitation = invitation_create(email="second@example.com", invited_by=newcomer, site_url="http://localhost/")
print("new-rows", Profile.objects.count(), Invitation.objects.count(), invitation.pk > 1)
"""


def test_the_upgraded_site_reads_old_rows_and_writes_new_ones(old_database):
    profiles = len(old_database.rows("readinggroup_profile"))
    invitations = len(old_database.rows("readinggroup_invitation"))
    manage(old_database, "migrate", "--noinput")

    output = manage(old_database, "shell", "--no-startup", "--no-imports", stdin=UPGRADED_SITE_WORKS)

    assert "review-author Ada Lovelace" in output
    assert "organisers-manage-profiles True" in output
    assert f"new-rows {profiles + 1} {invitations + 1} True" in output, "ids continue after the old rows"

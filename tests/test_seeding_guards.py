"""Commands that fill a database with demo or load-test data refuse a production (non-DEBUG) setup."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from papers.models import Week
from tools.perf import __main__ as harness
from tools.perf import dataset, seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(monkeypatch):
    """Stands in for the real (slow) data set; records whether seeding was attempted."""
    calls = []
    monkeypatch.setattr(dataset, "seed", lambda scale, sessions: calls.append((scale, sessions)) or {"ok": True})
    return calls


def test_perf_seed_refuses_without_debug_or_flag(settings, seeded, capsys):
    settings.DEBUG = False
    assert seed.main(["--scale", "1"]) != 0
    assert seeded == []
    assert "--i-know" in capsys.readouterr().err


def test_perf_seed_runs_with_the_flag(settings, seeded, capsys):
    settings.DEBUG = False
    assert seed.main(["--scale", "1", "--i-know"]) == 0
    assert seeded == [(1, 20)]
    assert capsys.readouterr().out.strip() == '{"ok": true}'


def test_perf_seed_runs_under_debug(settings, seeded):
    settings.DEBUG = True
    assert seed.main([]) == 0
    assert seeded == [(1, 20)]


def test_perf_harness_passes_the_flag_to_seed(monkeypatch):
    ran = []
    monkeypatch.setattr(harness, "manage", lambda env, *args: "")
    monkeypatch.setattr(harness, "run", lambda env, *args: ran.append(args) or "{}\n")
    harness.prepare({}, scale=2)
    assert ran == [("-m", "tools.perf.seed", "--scale", "2", "--i-know")]


def test_load_demo_journey_refuses_without_debug_or_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only loaded when DEBUG is on"):
        call_command("load_demo_journey", stdout=StringIO())
    assert not Week.objects.exists()


def test_load_demo_journey_runs_with_the_flag_or_under_debug(settings):
    settings.DEBUG = False
    call_command("load_demo_journey", "--i-know", stdout=StringIO())
    assert Week.objects.count() == 4
    settings.DEBUG = True
    call_command("load_demo_journey", stdout=StringIO())  # and again: nothing duplicated
    assert Week.objects.count() == 4


def test_create_demo_accounts_refuses_without_debug_and_has_no_override(settings):
    # Demo logins are published; unlike the throwaway perf database there is no reason to make them here.
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        call_command("create_demo_accounts", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("create_demo_accounts", "--i-know", stdout=StringIO())
    assert not get_user_model().objects.exists()

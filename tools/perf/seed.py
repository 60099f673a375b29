"""Fill an empty database with the load-test data set (never a real site's database).

    python -m tools.perf.seed [--scale N | --big] [--sessions N] [--i-know]

Scale 1: 20 weeks, 60 papers, 200 members, 2,000 reviews, 20,000 comments (see ``tools.perf.dataset``).
``--big`` (PostgreSQL only): 60 weeks, 2,000 members, 100,000 reviews, 1,000,000 comments, written with
COPY (see ``tools.perf.bulk``); its JSON also says how long each step took.
Refuses a database that has weeks. The last line printed is JSON with what the load generators need:
session cookies of some members, and the URLs worth hitting. The harness (``python -m tools.perf``)
runs it with production settings and its own database in the environment.

The members all share one published password, so it refuses to run unless DEBUG is on or ``--i-know``
says the database is a throwaway one (the harness passes it: it made the database itself).
"""

import argparse
import json
import os
import sys

import django


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.perf.seed", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="multiply every count by this (default 1)")
    parser.add_argument("--big", action="store_true", help="the large data set of `bench --scale` (PostgreSQL)")
    parser.add_argument("--sessions", type=int, default=20, help="members to sign in for the load (default 20)")
    parser.add_argument(
        "--i-know",
        action="store_true",
        help="run without DEBUG: this database is a throwaway one (its members share a known password)",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
    django.setup()
    from django.conf import settings

    if not (settings.DEBUG or args.i_know):
        print(
            "Refusing to seed: the load-test data set has 200 members with a known password. Run it with "
            "DEBUG on, or pass --i-know if this database is a throwaway one.",
            file=sys.stderr,
        )
        return 2
    from tools.perf import dataset  # models can be imported only once Django is set up

    try:
        if args.big:
            from tools.perf import bulk

            targets = bulk.seed_big(args.sessions)
        else:
            targets = dataset.seed(args.scale, args.sessions)
    except dataset.NotEmpty as error:
        print(error, file=sys.stderr)
        return 1
    print(json.dumps(targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())

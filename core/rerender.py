"""Bring stored HTML up to date with the renderer, in batches, changing only rows whose HTML differs.

Used by ``manage.py rerender_markup`` (live models) and by data migrations (historical models, which
know nothing of ``derive_fields``, so each caller says how a row is derived).
"""

from collections.abc import Callable, Iterable

from django.db import transaction

from core.markup import render_markdown

BATCH_SIZE = 500


def markdown_deriver(source_fields: Iterable[str]) -> Callable:
    """Sets ``<field>_html`` from ``<field>`` for each source field; for models without ``derive_fields``."""
    names = tuple(source_fields)

    def derive(row) -> None:
        for name in names:
            setattr(row, f"{name}_html", render_markdown(getattr(row, name)))

    return derive


def rerender_rows(queryset, *, derive: Callable, derived_fields: Iterable[str], batch_size: int = BATCH_SIZE) -> int:
    """Re-derive every row of ``queryset``; returns how many rows changed. Running it twice changes nothing
    the second time, since rendering the same text always gives the same HTML."""
    fields = list(derived_fields)
    changed_total, last_pk = 0, None
    while True:
        batch_query = queryset.order_by("pk")
        if last_pk is not None:
            batch_query = batch_query.filter(pk__gt=last_pk)
        rows = list(batch_query[:batch_size])
        if not rows:
            return changed_total
        changed = []
        for row in rows:
            before = [getattr(row, name) for name in fields]
            derive(row)
            if [getattr(row, name) for name in fields] != before:
                changed.append(row)
        if changed:
            with transaction.atomic():
                queryset.model.objects.bulk_update(changed, fields)
        changed_total += len(changed)
        last_pk = rows[-1].pk

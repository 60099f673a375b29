"""What the review pages tell the page cache (``core.pagecache``): which content versions a page depends
on, and until when a kept copy may be served."""

from django.utils import timezone

from core import versions


def of_week(number, **kwargs) -> list[str]:
    """A page of week ``number``: renewed by whatever that week shows."""
    return [versions.week(number)]


def still_to_come(moment):
    """``moment`` if it is still to come, else None: a kept page is not served past the moment it would
    change by itself (the write-first rule lifting at the meeting, a review becoming late)."""
    return moment if moment is not None and moment > timezone.now() else None

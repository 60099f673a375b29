"""Pagination for lists too long to count on every page view."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most ``cap`` rows: ``count`` stops there and ``capped`` says whether there were more.

    Counting every row a filter or search matches (hundreds of thousands of comments) cost more than the
    page itself; nobody pages through more than the first thousand, they search or filter instead. The
    admin's templates for the reviews app say "more than 1000" when ``capped``."""

    cap = 1000
    capped = False

    @cached_property
    def count(self) -> int:
        counted = self.object_list[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

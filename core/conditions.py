"""Access conditions written once and read two ways: as a query condition (``q(user, via=...)``) for
the lists that must show only what a user may see, and as a check on one loaded object
(``holds(obj, user)``) for the pages that show one thing. The apps' ``rules.py`` build their rules from
these, so a list and a check ask the same question; truth-table tests hold both readings to one answer.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone


@dataclass(frozen=True)
class TimeReached:
    """A moment stored on the object (``"week__meeting_at"``) has come; no moment set means never."""

    path: str

    def q(self, user=None, *, via: str = "") -> Q:
        return Q(**{f"{via}{self.path}__lte": timezone.now()})

    def holds(self, obj, user=None) -> bool:
        value = obj
        for name in self.path.split("__"):
            value = getattr(value, name, None)
        return value is not None and value <= timezone.now()


@dataclass(frozen=True)
class UserHasRow:
    """The user has a row of ``model`` (matching ``filters``) pointing at the object through ``target``."""

    model: type[Model]
    target: str
    user_field: str
    filters: dict = field(default_factory=dict)

    def _rows(self, user, target):
        return self.model.objects.filter(**{self.target: target, self.user_field: user}, **self.filters)

    def q(self, user, *, via: str = "") -> Q:
        return Q(Exists(self._rows(user, OuterRef(via.removesuffix("__") or "pk"))))

    def holds(self, obj, user) -> bool:
        return self._rows(user, obj).exists()

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from papers.models import Paper, Resource, ReviewScope, Week

TEST_PASSWORD = "a-good-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(TEST_PASSWORD)


class WeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Week

    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda w: f"Topic of week {w.number}")
    slug = factory.LazyAttribute(lambda w: f"week-{w.number}")
    intro = "An intro with **bold** text."
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    week = factory.SubFactory(WeekFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"A paper about layer {n}")
    authors = "Ada Lovelace, Alan Turing"
    year = 2015


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    week = factory.SubFactory(WeekFactory)
    kind = Resource.Kind.VIDEO
    url = factory.Sequence(lambda n: f"https://www.youtube.com/watch?v=video{n}")
    position = factory.Sequence(lambda n: n)


class ReviewScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewScope

    week = factory.SubFactory(WeekFactory)
    position = factory.Sequence(lambda n: n + 1)

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from papers.models import Paper, Resource, ReviewScope, Week
from reviews.models import Comment, Review

TEST_PASSWORD = "a-good-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):  # noqa: N805 (factory_boy passes the built user)
        """Members have verified their email unless the test says ``verified=False``: then the address is
        on record but unconfirmed, as after a real sign-up."""
        if create:
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": extracted is not False, "primary": True}
            )


class WeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Week

    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda w: f"Topic of week {w.number}")
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


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    scope = factory.SubFactory(ReviewScopeFactory)
    author = factory.SubFactory(UserFactory)
    summary = "The paper trains a network with back-propagation."
    confusions = "Why does the gradient not vanish?"
    questions = "Would this work with ReLU?"
    status = Review.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    review = factory.SubFactory(ReviewFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}")

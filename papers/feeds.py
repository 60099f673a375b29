"""The published weeks as an Atom feed (``/weeks/feed.atom``), for feed readers: a new week appears as
it is published, with its intro."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from papers.calendar import published_weeks

WEEKS_IN_FEED = 50


class WeeksFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return f"{settings.SITE_NAME}: weeks"

    def subtitle(self):
        return "Each week's papers for the reading group, as the organisers publish them."

    def link(self):
        return reverse("home")

    def items(self):
        # The weeks a visitor may see (papers.rules), newest publication first: one query.
        return published_weeks().order_by("-published_at", "-number")[:WEEKS_IN_FEED]

    def item_title(self, week):
        return week.heading

    def item_description(self, week):
        # Rendered and sanitised on save (core.markup); the feed writes it as escaped HTML.
        return week.intro_html

    def item_link(self, week):
        return week.get_absolute_url()

    def item_pubdate(self, week):
        return week.published_at

    def item_updateddate(self, week):
        # Edited before it was published, a week is new when it is published.
        return max(week.updated, week.published_at)


weeks_feed = WeeksFeed()

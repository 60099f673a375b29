from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core import views as core_views
from members import views as member_views
from reviews import calendar as review_calendar
from reviews import feeds as review_feeds
from reviews.views import pages as review_pages

admin.site.site_header = "Deep-Learning-Journey organisers"
admin.site.site_title = "Reading group admin"
admin.site.index_title = "Schedule the curriculum"

urlpatterns = [
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("health/", core_views.health, name="health"),
    path("health/session/", core_views.session_check, name="health_session"),
    # Admin sign-in goes through the site's own, rate-limited sign-in.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login_redirect",
    ),
    # Before the admin's own URLs, so this one answers instead of Django's staff-only check.
    path("admin/r/<int:content_type_id>/<path:object_id>/", core_views.admin_view_on_site, name="admin_view_on_site"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Pages that compose several apps are named here, without an app namespace, so the apps below
    # (a week links to its page, a profile to its member's page) can link to them without naming the
    # app that serves them.
    path("", review_pages.home, name="home"),
    path("weeks/<int:number>/", review_pages.week_detail, name="week_detail"),
    path("members/<str:username>/", review_pages.member_detail, name="member_detail"),
    # A member's private feed and calendar, opened by the secret key in the address (no session: feed
    # readers and calendar apps have none); named here so the profile page (members) can show them.
    path("private/<str:key>/feed.atom", review_feeds.member_feed, name="member_feed"),
    path("private/<str:key>/calendar.ics", review_calendar.member_calendar_ics, name="member_calendar"),
    path("accounts/profile/private-addresses/", member_views.feed_key_renew_view, name="feed_key_renew"),
    path("", include("notifications.urls")),
    path("", include("desk.urls")),
    path("api/", include("api.urls")),
    path("", include("search.urls")),
    path("", include("members.urls")),
    path("", include("reviews.urls")),
    path("", include("papers.urls")),
]

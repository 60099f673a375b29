from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from readinggroup import views

admin.site.site_header = "Deep-Learning-Journey organisers"
admin.site.site_title = "Reading group admin"
admin.site.index_title = "Schedule the curriculum"

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", views.health, name="health"),
    # Admin sign-in goes through the site's own, rate-limited sign-in.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
    path("accounts/profile/", views.profile_edit, name="profile_edit"),
    path("accounts/", include("allauth.urls")),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("", include("reviews.urls")),
    path("", include("papers.urls")),
]

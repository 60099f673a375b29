from django.urls import path

from papers import views

app_name = "papers"

urlpatterns = [
    path("weeks/<int:number>/papers/<int:position>/", views.paper_detail, name="paper_detail"),
    path("weeks/feed.atom", views.weeks_feed, name="weeks_feed"),
    path("calendar.ics", views.site_calendar, name="calendar"),
]

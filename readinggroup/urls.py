from django.contrib import admin
from django.urls import include, path

from readinggroup import views

admin.site.site_header = "Deep-Learning-Journey organisers"
admin.site.site_title = "Reading group admin"
admin.site.index_title = "Schedule the curriculum"

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("papers.urls")),
]

from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("accounts/profile/", views.profile_edit, name="profile_edit"),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

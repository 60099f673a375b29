from django.urls import path

from desk import views

app_name = "desk"

urlpatterns = [
    path("desk/weeks/", views.weeks, name="weeks"),
    path("desk/weeks/<int:number>/", views.board, name="board"),
    path("desk/weeks/<int:number>/remind/", views.remind, name="remind"),
    path("desk/history/", views.my_history, name="my_history"),
    path("desk/members/<str:username>/history/", views.member_history, name="member_history"),
]

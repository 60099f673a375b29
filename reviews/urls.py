from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("weeks/<int:number>/reviews/<int:position>/", views.scope_reviews, name="scope_reviews"),
    path("weeks/<int:number>/reviews/<int:position>/write/", views.review_write, name="review_write"),
    path("weeks/<int:number>/reviews/<int:position>/read-first/", views.reading_choice, name="reading_choice"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/unpublish/", views.review_unpublish, name="review_unpublish"),
    path("reviews/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("markdown/", views.markdown_help, name="markdown_help"),
    path("markdown/preview/", views.markdown_preview, name="markdown_preview"),
]

from django.urls import path

from reviews.views import agenda, comments, markdown, meeting, moderation, pages, writing

app_name = "reviews"

urlpatterns = [
    path("weeks/<int:number>/reviews/<int:position>/", pages.scope_reviews, name="scope_reviews"),
    path("weeks/<int:number>/reviews/<int:position>/write/", writing.review_write, name="review_write"),
    path("weeks/<int:number>/reviews/<int:position>/read-first/", writing.reading_choice, name="reading_choice"),
    path(
        "weeks/<int:number>/reviews/<int:position>/read-first/undo/",
        writing.reading_choice_undo,
        name="reading_choice_undo",
    ),
    path("weeks/<int:number>/agenda/", agenda.week_agenda, name="week_agenda"),
    path("weeks/<int:number>/agenda.md", agenda.week_agenda_markdown, name="week_agenda_markdown"),
    path("weeks/<int:number>/meeting-notes/", meeting.meeting_notes, name="meeting_notes"),
    path("items/<int:pk>/vote/", writing.item_vote, name="item_vote"),
    path("items/<int:pk>/pin/", meeting.item_pin, name="item_pin"),
    path("items/<int:pk>/move/", meeting.item_move, name="item_move"),
    path("items/<int:pk>/merge/", meeting.item_merge, name="item_merge"),
    path("items/<int:pk>/outcome/", meeting.item_outcome, name="item_outcome"),
    path("items/<int:pk>/place/", meeting.item_place, name="item_place"),
    path("reviews/<int:pk>/", pages.review_detail, name="review_detail"),
    path("reviews/<int:pk>/unpublish/", writing.review_unpublish, name="review_unpublish"),
    path("reviews/<int:pk>/hide/", moderation.review_hide, name="review_hide"),
    path("reviews/<int:pk>/comments/", comments.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/hide/", moderation.comment_hide, name="comment_hide"),
    path("comments/<int:pk>/report/", moderation.comment_report, name="comment_report"),
    path("markdown/", markdown.markdown_help, name="markdown_help"),
    path("markdown/preview/", markdown.markdown_preview, name="markdown_preview"),
]

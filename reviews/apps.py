from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and discussion"

    def ready(self):
        from core import versions
        from reviews import page_versions

        versions.track(self.get_model("Review"), page_versions.of_review)
        versions.track(self.get_model("Comment"), page_versions.of_comment)
        versions.track(self.get_model("ReadingChoice"), page_versions.of_reading_choice)
        # Items change only with their review (reviews.items.review_items_sync inside review_save), whose
        # own save renews the same versions: tracking them too cost a query per item.
        versions.track(self.get_model("ItemVote"), page_versions.of_item_vote, public=False)

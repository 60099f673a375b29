"""What happened to reviews and comments, for the parts of the site above this app (notifications) to
act on. Sent inside the transaction that made it happen."""

from django.dispatch import Signal

# comment: the new comment (its review, parent and author loaded).
comment_posted = Signal()
# comment_id: a comment hidden by an organiser or deleted by its author: what quoted it must stop.
comment_withdrawn = Signal()
# comment, entry: an organiser hid a comment (entry: the moderation log's ModerationEntry, with the reason).
comment_hidden = Signal()
# review, entry: an organiser hid a review (entry: the moderation log's ModerationEntry, with the reason).
review_hidden = Signal()
# review: a review taken back to a draft or hidden by an organiser: what quoted it, or its comments, must stop.
review_withdrawn = Signal()
# review: the review, just published or edited while published; mentions are read from its text.
review_published = Signal()

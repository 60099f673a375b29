"""Per-member limits on the writes and renders a member can repeat quickly.

The counting is allauth's rate limiter (the one that already guards sign-in), so the limits share its
cache — Redis or the database table, one for every worker — and its settings: each action's rate is an
entry of ``ACCOUNT_RATE_LIMITS`` (``"30/m/user"``: 30 a minute per member) and can be changed there.
"""

from allauth.core import ratelimit

MARKDOWN_PREVIEW = "markdown_preview"
REVIEW_SAVE = "review_save"
COMMENT_WRITE = "comment_write"

TOO_MANY = "You are going faster than the site allows. Nothing was lost: your text is still in the form. Wait a minute, then try again."  # noqa: E501


def allow(request, action: str) -> bool:
    """Count one ``action`` by the signed-in member; False when it is over the limit (and not counted)."""
    return ratelimit.consume(request, action=action, user=request.user)

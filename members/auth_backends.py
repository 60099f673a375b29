"""Django's and allauth's sign-in backends, reading the member's profile with their user row.

The header names the signed-in member by their display name; reading the profile in the same query as
the user row (which ``core.cached_auth`` then keeps in its snapshot) costs no query of its own.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def _user_with_profile(backend, user_id):
    try:
        user = get_user_model()._default_manager.select_related("profile").get(pk=user_id)
    except get_user_model().DoesNotExist:
        return None
    return user if backend.user_can_authenticate(user) else None


class MemberModelBackend(ModelBackend):
    def get_user(self, user_id):
        return _user_with_profile(self, user_id)


class MemberAccountBackend(AuthenticationBackend):
    def get_user(self, user_id):
        return _user_with_profile(self, user_id)

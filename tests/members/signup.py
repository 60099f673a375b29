"""What the sign-up tests post, and how they follow the confirmation email."""

import re

SIGNUP = {
    "email": "grace@example.com",
    "username": "grace",
    "password1": "lovelace-engine-1843",
    "password2": "lovelace-engine-1843",
}


def confirmation_path(message) -> str:
    return re.search(r"https?://testserver(/accounts/confirm-email/[^\s]+)", message.body).group(1)

"""The development mail backend: each email printed as a person would read it.

Django's console backend prints the raw MIME message, quoted-printable and all: a long link comes out cut
across lines with ``=`` and cannot be clicked or copied. This one prints the headers a reader looks at
and the plain-text body decoded, so the sign-up link is one line that works.
"""

from django.core.mail.backends.console import EmailBackend

HEADERS = ("From", "To", "Subject", "Date")


def readable(message) -> str:
    """The message's main headers and its decoded text/plain body (the HTML alternative is left out)."""
    mime = message.message()
    lines = [f"{name}: {mime[name]}" for name in HEADERS if mime[name]]
    text = next((part for part in mime.walk() if part.get_content_type() == "text/plain"), None)
    body = text.get_payload(decode=True).decode(text.get_content_charset() or "utf-8") if text is not None else ""
    return "\n".join(lines) + "\n\n" + body.rstrip("\n")


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message):
        self.stream.write(readable(message) + "\n")
        self.stream.write("-" * 79 + "\n")

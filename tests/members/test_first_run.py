"""A new member's first run: the mail as the console prints it, and sign-up bringing them back to the
page they started from."""

import io

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse

from core.mail_console import ReadableConsoleBackend
from tests.factories import WeekFactory
from tests.members.signup import SIGNUP, confirmation_path

pytestmark = pytest.mark.django_db

LONG_LINK = "http://127.0.0.1:8000/accounts/confirm-email/Mg:1vOB3x:" + "AbCdEfGhIj" * 8 + "/"


def test_the_console_prints_a_mail_decoded_with_the_link_on_one_line():
    stream = io.StringIO()
    message = EmailMessage("Please confirm", f"Héllo, open {LONG_LINK} to confirm.\n", "site@example.com", ["a@b.c"])
    ReadableConsoleBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert LONG_LINK in printed.splitlines()[-2] or any(LONG_LINK in line for line in printed.splitlines())
    assert "Subject: Please confirm" in printed and "To: a@b.c" in printed
    assert "Héllo" in printed and "=\n" not in printed and "=C3=A9" not in printed


def test_sign_up_and_confirmation_bring_the_member_back_to_the_week(client, django_capture_on_commit_callbacks):
    week = WeekFactory(number=3)
    page = client.get(week.get_absolute_url()).content.decode()
    join = f"{reverse('account_signup')}?next={week.get_absolute_url().replace('/', '%2F')}"
    assert f'href="{join}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(join, {**SIGNUP, "next": week.get_absolute_url()}, follow=True)
    link = confirmation_path(mail.outbox[0])
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == week.get_absolute_url()


def test_the_sign_in_page_offers_staying_signed_in_as_an_option_not_a_heading(client):
    page = client.get(reverse("account_login")).content.decode()
    assert '<label for="id_remember">Keep me signed in on this device</label>' in page
    assert "Remember Me" not in page

from allauth.account import forms as allauth_forms
from django import forms
from django.core.exceptions import ValidationError

from members.models import Profile
from members.names import display_name_clean


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "display_name": "How the group sees your name. Leave it empty to be shown by your username; it "
            "cannot look like another member's name or username."
        }

    def clean(self):
        """The same checks as ``profile_update``, shown on the field (the typed text stays in it). In the
        admin the form also chooses the profile's user, so the name is checked against that user's."""
        cleaned = super().clean()
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        if "display_name" in cleaned:
            try:
                cleaned["display_name"] = display_name_clean(cleaned["display_name"], user=user)
            except ValidationError as error:
                self.add_error("display_name", error)
        return cleaned


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"
            self.fields["remember"].label_suffix = ""


class SentenceCaseLabels:
    """allauth's password forms say "New Password (again)"; the site writes labels in sentence case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = _sentence_case(field.label)
            if field.widget.attrs.get("placeholder"):
                field.widget.attrs["placeholder"] = _sentence_case(field.widget.attrs["placeholder"])


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


class ChangePasswordForm(SentenceCaseLabels, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(SentenceCaseLabels, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordKeyForm(SentenceCaseLabels, allauth_forms.ResetPasswordKeyForm):
    pass

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

from allauth.account import forms as allauth_forms
from django import forms

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

    def clean_display_name(self) -> str:
        """The same checks as ``profile_update``, shown on the field (the typed text stays in it)."""
        return display_name_clean(self.cleaned_data["display_name"], user=getattr(self.instance, "user", None))


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"

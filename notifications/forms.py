from django import forms

from notifications.models import Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice per kind: at once, daily, or off."""

    def __init__(self, *args, deliveries: dict[str, str], show_organiser_kinds: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            if kind == Kind.SUMMARY and not show_organiser_kinds:
                continue
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect, initial=deliveries[kind.value]
            )

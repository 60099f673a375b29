from django.contrib import admin, messages

from members.forms import ProfileForm
from members.models import Invitation, Profile
from members.services import invitation_create, invitation_revoke


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "invited_by", "created", "expires_at", "status", "accepted_at", "accepted_by"]
    list_filter = ["accepted_at", "revoked_at", "expires_at"]
    search_fields = ["email"]
    fields = ["email", "expires_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, "revoked_at", "accepted_at", "accepted_by"]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description="status")
    def status(self, obj):
        return obj.status

    @admin.action(description="Revoke the selected invitations (their links stop working)", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = invitation_revoke(invitations=queryset)
        messages.info(request, f"{revoked} invitation(s) revoked; used ones are left as they are.")

    def save_model(self, request, obj, form, change):
        saved = invitation_create(
            email=form.cleaned_data["email"],
            invited_by=request.user,
            site_url=request.build_absolute_uri("/"),
            expires_at=form.cleaned_data.get("expires_at"),
        )
        obj.pk, obj.token, obj.expires_at = saved.pk, saved.token, saved.expires_at
        messages.info(request, f"An invitation email is on its way to {saved.email}.")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    form = ProfileForm  # the same name checks as the member's own form: organisers cannot bypass them
    fields = ["user", "display_name", "bio"]
    list_display = ["user", "display_name"]
    search_fields = ["user__username", "display_name"]

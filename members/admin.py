from django.contrib import admin, messages

from members.models import Invitation, Profile
from members.services import invitation_create


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "invited_by", "created", "accepted_at", "accepted_by"]
    list_filter = ["accepted_at"]
    search_fields = ["email"]
    fields = ["email"]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = invitation_create(
            email=form.cleaned_data["email"], invited_by=request.user, site_url=request.build_absolute_uri("/")
        )
        obj.pk, obj.token = saved.pk, saved.token
        messages.info(request, f"An invitation email is on its way to {saved.email}.")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name"]
    search_fields = ["user__username", "display_name"]

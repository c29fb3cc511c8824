"""The Django admin: read-only, for staff. All changes go through the app's services, so that
each one is checked and logged. The one exception: lifting a login pause (deleting django-axes'
failed attempts), which the admin records in its own log."""

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core import access, models, throttle


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff may look; nobody adds, changes or deletes here."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)


@admin.register(models.User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "email", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["full_name", "email"]
    exclude = ["password", "user_permissions", "groups"]


@admin.register(models.Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name", "kind", "active_from", "active_until"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(models.Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "valid_from", "valid_until", "withdrawn_at"]
    list_select_related = ["user", "organisation"]


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "valid_from", "valid_until", "withdrawn_at"]
    list_filter = ["role"]
    list_select_related = ["user"]


@admin.register(models.Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ["delegator", "delegate", "valid_from", "valid_until", "ended_at"]
    list_select_related = ["delegator", "delegate"]


@admin.register(models.Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["user"]
    exclude = ["token_hash"]


@admin.register(models.Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action"]
    list_select_related = ["actor", "target_type"]


@admin.register(models.OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    exclude = ["secrets"]


@admin.register(models.AccessibilityReport)
class AccessibilityReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "page", "description"]


@admin.register(AccessAttempt)
class LoginPauseAdmin(ReadOnlyAdmin):
    """Failed logins per e-mail and client address (django-axes). Staff see them; a fund
    administrator lifts a pause by deleting the rows, which Django's admin log records."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "paused"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    ordering = ["-attempt_time"]

    @admin.display(description=_("paused until"))
    def paused(self, attempt):
        end = throttle.pause_ends(
            AccessAttempt.objects.filter(username=attempt.username)
        ) or throttle.pause_ends(AccessAttempt.objects.filter(ip_address=attempt.ip_address))
        return throttle.try_again_at(end) if end else "–"

    def has_delete_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_staff
            and access.has_role(request.user, models.Role.FUND_ADMIN)
        )

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was sent to whom, and what is still waiting: read-only, for administrators."""

    list_display = ("created_at", "kind", "recipient", "language", "subject", "sent_at", "attempts")
    list_filter = ("kind", "language", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("recipient__email", "recipient__username", "key", "subject")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    readonly_fields = (
        "recipient",
        "key",
        "kind",
        "language",
        "subject",
        "body",
        "created_at",
        "sending_since",
        "sent_at",
        "attempts",
        "last_error",
    )
    fields = readonly_fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_administrator

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_administrator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

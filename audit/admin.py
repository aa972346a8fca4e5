"""The audit trail, read-only: nobody adds, changes or deletes an event here."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.admin_scope import AgencyScopedAdminMixin, plain

from .models import AuditEvent


def _values(data) -> str:
    if not isinstance(data, dict) or not data:
        return "—"
    return format_html(
        '<table class="audit-values">{}</table>',
        format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", sorted(data.items())),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_repr", "agency")
    list_filter = ("action", "object_type", ("agency", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("actor", "agency")
    search_fields = ("object_repr", "object_id", "action", "actor__username")
    date_hierarchy = "at"
    fields = (
        "at",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before_values",
        "after_values",
        "agency_name",
        "institution_name",
        "application",
    )
    readonly_fields = fields
    actor_name = plain("actor", _("who"))
    agency_name = plain("agency", _("agency"))
    institution_name = plain("institution", _("institution"))

    @admin.display(description=_("before"))
    def before_values(self, event):
        return _values(event.before)

    @admin.display(description=_("after"))
    def after_values(self, event):
        return _values(event.after)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, unquote(object_id))
        subtitle = (
            f"{date_format(timezone.localtime(event.at), 'DATETIME_FORMAT')} · {event.action}"
        )
        extra_context = {"subtitle": f"{subtitle} · {event.object_repr}", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

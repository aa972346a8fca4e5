from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin_scope import (
    AdministratorOnlyMixin,
    AgencyScopedAdminMixin,
    is_administrator,
    plain,
    researcher_name,
    researcher_search,
)
from portal.text import list_separator

from .models import Agency, Application, Programme


@admin.register(Agency)
class AgencyAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ("short_name", "name", "country")
    search_fields = ("name", "short_name")


@admin.register(Programme)
class ProgrammeAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "title", "agency", "opens_on", "closes_on", "declaration_required")
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter), "declaration_required")
    search_fields = ("code", "title")
    agency_name = plain("agency", _("agency"))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if is_administrator(request.user):
            return fields
        # Officers read their programmes; the agency admin is for administrators only.
        return ["agency_name" if name == "agency" else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "agency_name"]


class HeldFilter(admin.SimpleListFilter):
    title = _("held by a restriction")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(held_by_restriction__isnull=False)
        if self.value() == "no":
            return queryset.filter(held_by_restriction__isnull=True)
        return queryset


@admin.register(Application)
class ApplicationAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    """Applications are read here; researchers file them, research offices review them."""

    list_display = (
        "title",
        "researcher_display",
        "programme_code",
        "status",
        "held",
        "updated_at",
    )
    list_filter = (
        "status",
        HeldFilter,
        ("programme", admin.RelatedOnlyFieldListFilter),
        ("institution", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("researcher__researcher_profile", "programme__agency", "institution")
    search_fields = ("title", *researcher_search("researcher"))
    fields = (
        "title",
        "researcher_display",
        "programme",
        "institution_name",
        "status",
        "held_by_restriction",
        "start_date",
        "end_date",
        "requested_amount",
        "currency",
        "effort_percent",
        "objectives",
        "versions",
        "flags",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    institution_name = plain("institution", _("institution"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("researcher"), ordering="researcher__username")
    def researcher_display(self, application):
        return researcher_name(application.researcher)

    @admin.display(description=_("programme"), ordering="programme__code")
    def programme_code(self, application):
        return application.programme.code

    @admin.display(description=_("held by a restriction"), boolean=True)
    def held(self, application):
        return application.held_by_restriction_id is not None

    @admin.display(description=_("declaration versions"))
    def versions(self, application):
        from disclosures.models import DeclarationVersion

        versions = DeclarationVersion.objects.filter(declaration__application=application)
        rows = [
            (
                reverse("admin:disclosures_declarationversion_change", args=[v.pk]),
                gettext("v%(number)s") % {"number": v.number},
                gettext(" (%(status)s)") % {"status": v.get_status_display()},
            )
            for v in versions.order_by("number")
        ]
        return format_html_join(list_separator(), '<a href="{}">{}</a>{}', rows) or "—"

    @admin.display(description=_("flags"))
    def flags(self, application):
        from checks.models import Flag

        total = application.flags.count()
        if not total:
            return "—"
        open_flags = application.flags.filter(status=Flag.Status.OPEN).count()
        url = reverse("admin:checks_flag_changelist") + f"?application__id__exact={application.pk}"
        return format_html(
            '<a href="{}">{}</a>',
            url,
            gettext("%(total)d, of which %(open)d open") % {"total": total, "open": open_flags},
        )

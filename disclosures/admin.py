from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_scope import AgencyScopedAdminMixin, plain, researcher_name, researcher_search

from .models import SECTIONS, Affiliation, DeclarationVersion, ResearcherProfile


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0


@admin.register(ResearcherProfile)
class ResearcherProfileAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "family_name_latin",
        "given_name_latin",
        "family_name_kanji",
        "orcid",
        "researcher_number",
    )
    search_fields = (
        "family_name_latin",
        "given_name_latin",
        "family_name_kanji",
        "family_name_kana",
        "orcid",
        "researcher_number",
        "user__username",
    )
    inlines = [AffiliationInline]


def _read_only_inline(section_model):
    def has_view_permission(self, request, obj=None):
        # Whoever may read the version reads its rows.
        return request.user.has_perm("disclosures.view_declarationversion")

    return type(
        f"{section_model.__name__}Inline",
        (admin.StackedInline,),
        {
            "model": section_model,
            "fields": section_model.content_fields,
            "readonly_fields": section_model.content_fields,
            "extra": 0,
            "can_delete": False,
            "has_add_permission": lambda self, request, obj=None: False,
            "has_change_permission": lambda self, request, obj=None: False,
            "has_view_permission": has_view_permission,
        },
    )


@admin.register(DeclarationVersion)
class DeclarationVersionAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    """Declarations are filed by researchers only; the admin reads them."""

    list_display = (
        "declaration",
        "researcher",
        "programme",
        "number",
        "status",
        "certified_at",
        "fingerprint",
    )
    list_filter = (
        "status",
        ("declaration__application__programme", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = (
        "declaration__application__programme__agency",
        "declaration__application__researcher__researcher_profile",
    )
    search_fields = (
        "declaration__application__title",
        "fingerprint",
        *researcher_search("declaration__application__researcher"),
    )
    exclude = ("content",)
    inlines = [_read_only_inline(model) for model, _related in SECTIONS.values()]

    def get_readonly_fields(self, request, obj=None):
        # The certifying user as a name: the user admin is for administrators only.
        names = [
            "certified_by_name" if f.name == "certified_by" else f.name
            for f in self.model._meta.fields
            if f.name != "content"
        ]
        return [*names, "flags"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    certified_by_name = plain("certified_by", _("certified by"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("researcher"))
    def researcher(self, version):
        return researcher_name(version.declaration.application.researcher)

    @admin.display(description=_("programme"))
    def programme(self, version):
        return version.declaration.application.programme.code

    @admin.display(description=_("flags"))
    def flags(self, version):
        total = version.flags.count()
        if not total:
            return "—"
        url = reverse("admin:checks_flag_changelist") + f"?version__id__exact={version.pk}"
        return format_html(
            '<a href="{}">{}</a>',
            url,
            ngettext("%(total)d flag", "%(total)d flags", total) % {"total": total},
        )

from django.contrib import admin

from .models import SECTIONS, Affiliation, DeclarationVersion, ResearcherProfile


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0


@admin.register(ResearcherProfile)
class ResearcherProfileAdmin(admin.ModelAdmin):
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
        },
    )


@admin.register(DeclarationVersion)
class DeclarationVersionAdmin(admin.ModelAdmin):
    """Declarations are filed by researchers only; the admin reads them."""

    list_display = ("declaration", "number", "status", "certified_at", "fingerprint")
    list_filter = ("status",)
    search_fields = ("declaration__application__title", "fingerprint")
    exclude = ("content",)
    inlines = [_read_only_inline(model) for model, _related in SECTIONS.values()]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

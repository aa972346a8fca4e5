from django.contrib import admin

from .models import Agency, Application, Programme


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "country")
    search_fields = ("name", "short_name")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "agency", "opens_on", "closes_on", "declaration_required")
    list_filter = ("agency", "declaration_required")
    search_fields = ("code", "title")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("title", "researcher", "programme", "institution", "status", "updated_at")
    list_filter = ("status", "programme__agency", "institution")
    search_fields = ("title", "researcher__username")
    readonly_fields = [f.name for f in Application._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

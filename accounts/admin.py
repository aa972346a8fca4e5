from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Institution, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role in the portal"), {"fields": ("role", "institution", "agency", "language")}),
    )
    list_display = ("username", "email", "role", "institution", "agency", "is_active")
    list_filter = ("role", "is_active", "institution", "agency")


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "name_local", "country", "ror_id")
    search_fields = ("name", "name_local", "ror_id")

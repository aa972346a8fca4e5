from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.admin_scope import AdministratorOnlyMixin
from portal.admin_site import install

from .models import Institution, User

# Only officers and administrators enter the admin, and its index is the officers' dashboard.
install()


@admin.register(User)
class UserAdmin(AdministratorOnlyMixin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role in the portal"), {"fields": ("role", "institution", "agency", "language")}),
    )
    list_display = ("username", "email", "role", "institution", "agency", "is_active")
    list_filter = ("role", "is_active", "institution", "agency")


@admin.register(Institution)
class InstitutionAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "name_local", "country", "ror_id")
    search_fields = ("name", "name_local", "ror_id")

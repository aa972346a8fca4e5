from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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


# Authenticator secrets and recovery codes are nobody's to read, administrators included:
# django-otp's own admin pages (which show a device's QR code) are switched off.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

"""Who sees what in the admin: the one place that scopes it.

Only agency officers and administrators use the admin. An administrator sees everything;
an officer sees the data of their own agency: the applications to its programmes, their
flags and declaration versions, and the agency's cases, findings, appeals and audit events.
Restrictions form a registry shared by every agency: an officer reads all of them but
changes only their own agency's. An object outside the scope answers 404, as if it did
not exist, so that its existence is not disclosed.

Everything here reads ``AGENCY_SCOPES``; a model missing from it shows an officer nothing.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

OFFICER_GROUP = "Agency officers"


def _researchers(agency_id) -> Q:
    from funding.models import Application

    return Q(
        role="researcher",
        pk__in=Application.objects.filter(programme__agency_id=agency_id).values("researcher_id"),
    )


def _profiles(agency_id) -> Q:
    from funding.models import Application

    return Q(
        user__in=Application.objects.filter(programme__agency_id=agency_id).values("researcher_id")
    )


# model label -> the objects of one agency (given its id)
AGENCY_SCOPES: dict[str, Callable[[int], Q]] = {
    "funding.agency": lambda agency: Q(pk=agency),
    "funding.programme": lambda agency: Q(agency_id=agency),
    "funding.application": lambda agency: Q(programme__agency_id=agency),
    "checks.flag": lambda agency: Q(application__programme__agency_id=agency),
    "disclosures.declarationversion": lambda agency: Q(
        declaration__application__programme__agency_id=agency
    ),
    "disclosures.researcherprofile": _profiles,
    "accounts.user": _researchers,
    "enforcement.case": lambda agency: Q(agency_id=agency),
    "enforcement.finding": lambda agency: Q(case__agency_id=agency),
    "enforcement.restriction": lambda agency: Q(agency_id=agency),
    "enforcement.appeal": lambda agency: Q(restriction__agency_id=agency),
    "audit.auditevent": lambda agency: Q(agency_id=agency),
}
# Read by every agency; changed only by the agency that imposed it.
SHARED_REGISTRY = {"enforcement.restriction"}


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_administrator)


def is_officer(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_agency_officer
        and user.agency_id is not None
    )


def may_use_admin(user) -> bool:
    """Staff officers and administrators; never researchers or research offices, whatever
    their ``is_staff`` says."""
    return bool(
        user.is_authenticated and user.is_staff and (is_administrator(user) or is_officer(user))
    )


def scoped(queryset: QuerySet, user, *, for_change: bool = False) -> QuerySet:
    """``queryset`` cut to what ``user`` may read (or, with ``for_change``, change)."""
    if is_administrator(user):
        return queryset
    if not is_officer(user):
        return queryset.none()
    label = queryset.model._meta.label_lower
    scope = AGENCY_SCOPES.get(label)
    if scope is None:
        return queryset.none()
    if label in SHARED_REGISTRY and not for_change:
        return queryset
    return queryset.filter(scope(user.agency_id))


def in_scope(obj, user, *, for_change: bool = False) -> bool:
    model = type(obj)
    return scoped(model._default_manager.filter(pk=obj.pk), user, for_change=for_change).exists()


class PortalAdminMixin:
    """No module, list or page for anyone but staff officers and administrators."""

    def has_module_permission(self, request):
        return may_use_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_use_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return may_use_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return may_use_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_use_admin(request.user) and super().has_delete_permission(request, obj)


class AdministratorOnlyMixin(PortalAdminMixin):
    """Pages for administrators only (users, institutions, reference data), even if an
    officer's group were given the permissions by mistake."""

    def has_module_permission(self, request):
        return is_administrator(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_administrator(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_delete_permission(request, obj)


class AgencyScopedAdminMixin(PortalAdminMixin):
    """A ModelAdmin (or inline) that shows an officer their agency's objects only, offers
    only those in its choice fields and answers 404 for any other."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such object."))
        return obj

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or in_scope(obj, request.user, for_change=True)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or in_scope(obj, request.user, for_change=True)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and related._meta.label_lower in AGENCY_SCOPES:
            kwargs["queryset"] = scoped(
                related._default_manager.all(), request.user, for_change=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and related._meta.label_lower in AGENCY_SCOPES:
            kwargs["queryset"] = scoped(
                related._default_manager.all(), request.user, for_change=True
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ServiceOnlyAdminMixin:
    """Objects that change only through their services: every field is read-only, the
    change page has no save button and refuses a POST. Changes are admin actions (with an
    intermediate page where they need input) that call the services."""

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields]
        return [*names, *(n for n in super().get_readonly_fields(request, obj) if n not in names)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            if self.get_object(request, unquote(object_id)) is None:
                raise Http404(_("No such object."))
            raise PermissionDenied
        extra_context = {
            "title": capfirst(self.model._meta.verbose_name),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)


def plain(field_name: str, description) -> Callable:
    """A read-only display of a foreign key as text. Django links every read-only foreign
    key to its admin page, whether or not the reader may open it (a user, an agency, another
    agency's finding); this shows the name alone."""

    @admin.display(description=description)
    def display(model_admin, obj):
        value = getattr(obj, field_name)
        return model_admin.get_empty_value_display() if value is None else str(value)

    display.__name__ = f"{field_name}_name"
    return display


def researcher_name(user) -> str:
    """A researcher as officers know them: the Latin and the kanji name, or the username."""
    if user is None:
        return "—"
    profile = getattr(user, "researcher_profile", None)
    if profile is None:
        return user.get_full_name() or user.username
    if profile.name_kanji:
        return f"{profile.name_latin} ({profile.name_kanji})"
    return profile.name_latin


RESEARCHER_SEARCH = (
    "researcher_profile__family_name_latin",
    "researcher_profile__given_name_latin",
    "researcher_profile__family_name_kanji",
    "researcher_profile__given_name_kanji",
    "researcher_profile__family_name_kana",
    "researcher_profile__given_name_kana",
    "researcher_profile__researcher_number",
    "username",
)


def researcher_search(prefix: str) -> tuple[str, ...]:
    """search_fields that find a researcher by any spelling of their name."""
    return tuple(f"{prefix}__{field}" for field in RESEARCHER_SEARCH)


def form_page(
    request,
    model_admin,
    *,
    form: forms.Form,
    title: str,
    intro: str = "",
    submit: str = "",
    objects=(),
    describe=str,
    action: str = "",
    cancel_url: str = "",
):
    """A form page of the admin: an action's intermediate page (``action`` set: the
    selected objects travel in hidden fields back to the same action) or a page of its own."""
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit": submit or title,
        "form": form,
        "objects": [{"obj": obj, "label": describe(obj)} for obj in objects],
        "opts": opts,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "from_detail": request.POST.get("_from_detail", ""),
        "cancel_url": cancel_url or reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "media": model_admin.media + form.media,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/portal_form.html", context)


def action_form_page(request, model_admin, queryset, *, action: str, **kwargs):
    """The intermediate page of an admin action on ``queryset``."""
    objects = list(queryset)
    opts = model_admin.model._meta
    if len(objects) == 1 and request.POST.get("_from_detail") and "cancel_url" not in kwargs:
        kwargs["cancel_url"] = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[objects[0].pk]
        )
    return form_page(request, model_admin, objects=objects, action=action, **kwargs)


def back_to(request, model_admin, obj=None):
    """Where an action returns: the object's page when it was started there, else the list."""
    opts = model_admin.model._meta
    if obj is not None and request.POST.get("_from_detail"):
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
    return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def only_one(request, queryset, what: str):
    """The one object an action that works on one object was started on, or None with a
    message."""
    objects = list(queryset[:2])
    if len(objects) != 1:
        messages.error(request, _("Select exactly one %(what)s for this action.") % {"what": what})
        return None
    return objects[0]

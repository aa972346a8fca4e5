"""The admin site of the portal: officers and administrators only, and an index page that
opens on the officer's dashboard (open flags by rule and by age, restrictions in force).

``install()`` turns the default ``admin.site`` into a ``PortalAdminSite`` in place (its
class only, so every registration stays); accounts/admin.py calls it.
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .admin_scope import may_use_admin, researcher_name, scoped


def _changelist(model_name: str, **params) -> str:
    url = reverse(f"admin:{model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def officer_dashboard(user) -> dict | None:
    """What the index shows above the list of models, within the user's scope."""
    from checks.admin import AGE_BUCKETS, age_bucket_q
    from checks.models import Flag
    from checks.rules import RULES
    from enforcement.models import Restriction

    dashboard = {}
    if user.has_perm("checks.view_flag"):
        open_flags = scoped(Flag.objects.filter(status=Flag.Status.OPEN), user)
        by_rule = (
            open_flags.order_by().values("rule").annotate(count=Count("id")).order_by("-count")
        )
        dashboard["open_flags"] = open_flags.count()
        dashboard["open_flags_url"] = _changelist("checks_flag", status__exact="open")
        dashboard["flags_by_rule"] = [
            {
                "title": RULES[row["rule"]].title if row["rule"] in RULES else row["rule"],
                "count": row["count"],
                "url": _changelist("checks_flag", rule=row["rule"], status__exact="open"),
            }
            for row in by_rule
        ]
        dashboard["flags_by_age"] = [
            {
                "title": label,
                "count": open_flags.filter(age_bucket_q(code)).count(),
                "url": _changelist("checks_flag", age=code, status__exact="open"),
            }
            for code, label in AGE_BUCKETS
        ]
    if user.has_perm("enforcement.view_restriction"):
        in_force = scoped(Restriction.objects.in_force(), user).select_related(
            "researcher__researcher_profile", "agency"
        )
        dashboard["restrictions_in_force"] = in_force.count()
        dashboard["restrictions_url"] = _changelist("enforcement_restriction", state="in_force")
        dashboard["restrictions"] = [
            {
                "researcher": researcher_name(r.researcher),
                "agency": r.agency,
                "scope": r.get_scope_display(),
                "starts_on": r.starts_on,
                "ends_on": r.ends_on,
                "own": user.is_administrator or r.agency_id == user.agency_id,
                "url": reverse("admin:enforcement_restriction_change", args=[r.pk]),
            }
            for r in in_force.order_by("ends_on", "pk")[:50]
        ]
    return dashboard or None


class PortalAdminSite(admin.AdminSite):
    site_header = _("Disclosure portal administration")
    site_title = _("Disclosure portal")
    index_title = _("Agency officers' desk")
    index_template = "admin/portal_index.html"

    def has_permission(self, request):
        return super().has_permission(request) and may_use_admin(request.user)

    def index(self, request, extra_context=None):
        context = {"dashboard": officer_dashboard(request.user), **(extra_context or {})}
        return super().index(request, context)


def install(site=None) -> None:
    """Make ``site`` (the default admin site) a PortalAdminSite, keeping its registry."""
    site = site if site is not None else admin.site
    if not isinstance(site, PortalAdminSite):
        site.__class__ = PortalAdminSite

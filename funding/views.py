from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from checks.permissions import can_view_flags
from checks.presentation import present_flags
from disclosures.forms import ApplicationForm
from disclosures.selectors import versions_of
from disclosures.services import last_certified_version_of
from portal.exceptions import ServiceError

from .permissions import can_edit_application, can_start_application
from .selectors import application_for_user_or_404, applications_for_user, programmes_open_now
from .services import application_start, ensure_not_restricted


@login_required
@require_GET
def home(request):
    user = request.user
    if user.is_researcher:
        profile = getattr(user, "researcher_profile", None)
        return render(
            request,
            "funding/researcher_home.html",
            {
                "profile": profile,
                "applications": applications_for_user(user)[:20],
                "programmes": programmes_open_now()[:10],
            },
        )
    if user.is_research_office:
        return redirect("review:queue")
    return redirect("application_list")


@login_required
@require_GET
def programme_list(request):
    return render(request, "funding/programme_list.html", {"programmes": programmes_open_now()})


@login_required
@require_http_methods(["GET", "POST"])
def application_start_view(request, programme_id):
    if not can_start_application(request.user):
        raise PermissionDenied
    programme = get_object_or_404(programmes_open_now(), pk=programme_id)
    if not hasattr(request.user, "researcher_profile"):
        messages.info(
            request, _("Complete your profile first; it is reused for every application.")
        )
        return redirect("profile")
    try:
        ensure_not_restricted(request.user, programme)
    except ServiceError as error:
        # Say so before the researcher fills in a form they could not submit.
        return render(
            request,
            "funding/application_start.html",
            {"programme": programme, "refusal": str(error)},
            status=403,
        )
    form = ApplicationForm(request.POST or None, prefix="application")
    if request.method == "POST" and form.is_valid():
        try:
            application = application_start(
                researcher=request.user, programme=programme, **form.cleaned_data
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            if application.declaration.versions.get().based_on_id:
                messages.info(
                    request,
                    _(
                        "Your declaration is prefilled from your last certified one. "
                        "Check every row is still current."
                    ),
                )
            return redirect("declaration_edit", pk=application.pk)
    return render(
        request,
        "funding/application_start.html",
        {
            "programme": programme,
            "form": form,
            "prefill_from": last_certified_version_of(request.user),
        },
    )


@login_required
@require_GET
def application_list(request):
    applications = applications_for_user(request.user).order_by("-updated_at")
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    return render(request, "funding/application_list.html", {"page": page})


@login_required
@require_GET
def application_detail(request, pk):
    application = application_for_user_or_404(request.user, pk)
    versions = list(versions_of(application))
    flags = []
    show_flags = can_view_flags(request.user, application)
    if show_flags:
        flags = present_flags(
            application.flags.select_related("version").order_by("status", "rule", "-raised_at")
        )
    return render(
        request,
        "funding/application_detail.html",
        {
            "application": application,
            "versions": versions,
            "flags": flags,
            "show_flags": show_flags,
            "draft": next((v for v in versions if v.is_draft), None),
            "can_edit": can_edit_application(request.user, application),
        },
    )

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funding.permissions import can_edit_application
from funding.selectors import application_for_user_or_404
from portal.exceptions import Conflict, ServiceError

from .content import declaration_content
from .forms import (
    AffiliationFormSet,
    CertifyForm,
    DeclarationForms,
    ProfileForm,
)
from .models import ResearcherProfile
from .presentation import (
    compare_contents,
    present_application,
    present_researcher,
    present_sections,
)
from .selectors import (
    document_for_user_or_404,
    draft_of,
    section_initial_rows,
    version_for_user_or_404,
    versions_of,
)
from .services import (
    CERTIFICATION_STATEMENT,
    certified_pdf_archive,
    declaration_amend,
    declaration_certify,
    declaration_save_draft,
    document_store,
    profile_save,
)


def _editable_application(request, pk):
    """The application, if the user may see it (else 404) and file it (else 403)."""
    application = application_for_user_or_404(request.user, pk)
    if not can_edit_application(request.user, application):
        raise PermissionDenied
    return application


def _content_context(content: dict) -> dict:
    return {
        "researcher_rows": present_researcher(content),
        "application_rows": present_application(content),
        "sections": present_sections(content),
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    if not request.user.is_researcher:
        raise PermissionDenied
    profile = ResearcherProfile.objects.filter(user=request.user).first()
    initial_affiliations = (
        list(profile.affiliations.values("institution", "department", "job_title", "is_primary"))
        if profile
        else [{"is_primary": True}]
    )
    form = ProfileForm(request.POST or None, instance=profile)
    affiliations = AffiliationFormSet(
        request.POST or None,
        prefix="affiliations",
        initial=None if request.method == "POST" else initial_affiliations,
    )
    if request.method == "POST":
        if form.is_valid() and affiliations.is_valid():
            rows = [
                {
                    k: f.cleaned_data[k]
                    for k in ("institution", "department", "job_title", "is_primary")
                }
                for f in affiliations.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            profile_save(user=request.user, data=form.cleaned_data, affiliations=rows)
            messages.success(request, _("Your profile was saved."))
            return redirect("home")
        messages.error(request, _("Nothing was saved yet: please correct the fields marked below."))
    return render(
        request, "disclosures/profile_form.html", {"form": form, "affiliations": affiliations}
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration_edit(request, pk):
    application = _editable_application(request, pk)
    draft = draft_of(application)
    if draft is None:
        messages.info(request, _("This declaration is certified. Amend it to make changes."))
        return redirect("application_detail", pk=application.pk)
    status = 200
    if request.method == "POST":
        data = request.POST.copy()
        forms = DeclarationForms(
            application=application,
            version=draft,
            user=request.user,
            data=data,
            files=request.FILES,
        )
        valid = forms.is_valid()
        # Keep every valid upload at once, so that an error elsewhere does not lose it.
        for form in forms.contract_forms_with_upload():
            document = document_store(user=request.user, uploaded_file=form.cleaned_data["upload"])
            data[form.add_prefix("document")] = str(document.pk)
            form.cleaned_data["document"] = document
        if valid:
            try:
                declaration_save_draft(
                    version=draft,
                    expected_revision=_int(request.POST.get("revision")),
                    application_data=forms.application_data(),
                    sections=forms.sections(),
                )
            except Conflict as error:
                messages.error(request, str(error))
                status = 409
            else:
                messages.success(request, _("Draft saved."))
                if "review" in request.POST:
                    return redirect("declaration_review", pk=application.pk)
                return redirect("declaration_edit", pk=application.pk)
        else:
            count = forms.error_count()
            messages.error(
                request,
                ngettext(
                    "Nothing was saved yet: please correct the %(count)s field marked below.",
                    "Nothing was saved yet: please correct the %(count)s fields marked below.",
                    count,
                )
                % {"count": count},
            )
            status = 400
    else:
        forms = DeclarationForms(
            application=application,
            version=draft,
            user=request.user,
            initial_rows=section_initial_rows(draft),
        )
    return render(
        request,
        "disclosures/declaration_form.html",
        {
            "application": application,
            "draft": draft,
            "forms": forms,
            "revision": request.POST.get("revision", draft.revision),
        },
        status=status,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
@require_http_methods(["GET", "POST"])
def declaration_review(request, pk):
    application = _editable_application(request, pk)
    draft = draft_of(application)
    if draft is None:
        return redirect("application_detail", pk=application.pk)
    form = CertifyForm(
        request.POST or None, user=request.user, initial={"revision": draft.revision}
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = declaration_certify(
                version=draft,
                user=request.user,
                expected_revision=form.cleaned_data["revision"],
                signature=form.cleaned_data["signature"],
                ip_address=request.META.get("REMOTE_ADDR"),
                language=get_language(),
            )
        except ServiceError as error:
            messages.error(request, str(error))
            return redirect("application_detail", pk=application.pk)
        messages.success(
            request,
            _("Version %(number)s is certified. Download its PDF below.")
            % {"number": version.number},
        )
        return redirect("version_detail", pk=application.pk, number=version.number)
    return render(
        request,
        "disclosures/declaration_review.html",
        {
            "application": application,
            "draft": draft,
            "form": form,
            "statement": CERTIFICATION_STATEMENT,
            **_content_context(declaration_content(draft)),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def declaration_amend_view(request, pk):
    application = _editable_application(request, pk)
    try:
        version = declaration_amend(declaration=application.declaration, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("application_detail", pk=application.pk)
    messages.info(
        request,
        _("Version %(number)s is a new draft, prefilled from the certified one.")
        % {"number": version.number},
    )
    return redirect("declaration_edit", pk=application.pk)


@login_required
@require_GET
def version_detail(request, pk, number):
    version = version_for_user_or_404(request.user, pk, number)
    content = version.content if version.is_certified else declaration_content(version)
    application = version.declaration.application
    return render(
        request,
        "disclosures/version_detail.html",
        {
            "application": application,
            "version": version,
            "versions": versions_of(application),
            "can_edit": can_edit_application(request.user, application),
            **_content_context(content),
        },
    )


@login_required
@require_GET
def version_pdf(request, pk, number):
    version = version_for_user_or_404(request.user, pk, number)
    if not version.is_certified:
        raise Http404
    pdf = certified_pdf_archive(version=version)
    return FileResponse(
        pdf.file.open("rb"),
        as_attachment=True,
        filename=f"declaration-{version.declaration.application_id}-v{version.number}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def version_compare(request, pk):
    application = application_for_user_or_404(request.user, pk)
    versions = list(versions_of(application))
    if len(versions) < 2:
        messages.info(request, _("There is only one version; nothing to compare yet."))
        return redirect("application_detail", pk=application.pk)
    numbers = [v.number for v in versions]
    old_number = _int(request.GET.get("from", numbers[-2]))
    new_number = _int(request.GET.get("to", numbers[-1]))
    old = version_for_user_or_404(request.user, pk, old_number)
    new = version_for_user_or_404(request.user, pk, new_number)

    def content_of(version):
        return version.content if version.is_certified else declaration_content(version)

    return render(
        request,
        "disclosures/version_compare.html",
        {
            "application": application,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": compare_contents(content_of(old), content_of(new)),
        },
    )


@login_required
@require_GET
def document_download(request, document_id):
    document = document_for_user_or_404(request.user, document_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type="application/pdf",
    )

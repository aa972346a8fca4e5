"""The research office's pages: the review queue, one application's review, bulk
endorsement, the register of approved outside posts, the dashboard and exports.

Every view is for research-office staff only (403 for anyone else, login for anonymous
users); applications are fetched through funding.selectors, so another institution's
filing is a 404. Changes go through funding.services.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from checks.importers.base import ReferenceImportError
from checks.importers.load import snapshot_load
from checks.importers.outside_posts import COLUMNS as OUTSIDE_POST_COLUMNS
from checks.models import Snapshot
from checks.selectors import open_flag_counts
from checks.tasks import rescreen_snapshot
from disclosures.content import declaration_content
from disclosures.models import DeclarationVersion
from disclosures.presentation import present_application, present_researcher, present_sections
from funding.models import Application
from funding.selectors import application_for_user_or_404
from funding.services import (
    application_endorse,
    application_request_changes,
    applications_bulk_endorse,
    review_comment_add,
)
from portal.exceptions import ServiceError
from portal.queue import enqueue_on_commit

from . import exports
from .forms import (
    CommentForm,
    EndorseForm,
    OutsidePostsUploadForm,
    QueueFilterForm,
    RequestChangesForm,
)
from .permissions import research_office_required
from .selectors import (
    PAGE_SIZE,
    SNAPSHOT_ROWS_PAGE_SIZE,
    dashboard_figures,
    office_applications,
    office_queue,
    outside_post_rows,
    outside_post_snapshots,
    review_data,
)

# --- the queue ------------------------------------------------------------------------


def _filter_form(request) -> QueueFilterForm:
    form = QueueFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()
    return form


FILTER_FIELDS = ("q", "programme", "status", "deadline_after", "deadline_before", "open_flags")


def _is_filtered(form) -> bool:
    data = getattr(form, "cleaned_data", {})
    return any(data.get(name) for name in FILTER_FIELDS)


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _sort_links(request, current: str) -> dict:
    """For each sortable column: the URL that sorts by it (toggling direction when it is
    the current sort) and its aria-sort value."""
    links = {}
    for key in ("deadline", "updated", "researcher", "flags"):
        query = request.GET.copy()
        query.pop("page", None)
        if current == key:
            query["sort"], state = f"-{key}", "ascending"
        elif current == f"-{key}":
            query["sort"], state = key, "descending"
        else:
            query["sort"], state = (f"-{key}" if key in ("updated", "flags") else key), "none"
        links[key] = {"url": "?" + query.urlencode(), "aria_sort": state}
    return links


@research_office_required
@require_GET
def queue(request):
    form = _filter_form(request)
    filters = form.filters()
    page = Paginator(office_queue(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "page": page,
            "sort_links": _sort_links(request, filters.sort),
            "query": _query_without(request, "page"),
            "filtered": _is_filtered(form),
        },
    )


def _queue_url(query: str) -> str:
    url = reverse("review:queue")
    return f"{url}?{query}" if query else url


def _skip_reason(application, open_flags: dict, with_draft: set) -> str:
    if application.status != Application.Status.SUBMITTED:
        return _("not submitted: its status is “%(status)s”") % {
            "status": application.get_status_display()
        }
    count = open_flags.get(application.pk, 0)
    if count:
        return ngettext(
            "%(count)s open flag: review it on the filing's page",
            "%(count)s open flags: review them on the filing's page",
            count,
        ) % {"count": count}
    if application.pk in with_draft:
        return _("the researcher is editing a new draft")
    return _("it could not be endorsed")


@research_office_required
@require_POST
def bulk_endorse(request):
    back = _queue_url(request.POST.get("query", "")[:2000])
    ids = {int(v) for v in request.POST.getlist("applications") if v.isdigit()}
    if not ids:
        messages.warning(request, _("Select at least one filing to endorse."))
        return redirect(back)
    with transaction.atomic():
        visible = office_applications(request.user).filter(pk__in=ids).values("pk")
        applications = list(
            Application.objects.select_for_update(of=("self",))
            .filter(pk__in=visible)
            .select_related("programme__agency", "researcher__researcher_profile")
            .order_by("programme__closes_on", "pk")
        )
        endorsed, skipped = applications_bulk_endorse(applications=applications, by=request.user)
        skipped_ids = [a.pk for a in skipped]
        open_flags = open_flag_counts(skipped_ids)
        with_draft = set(
            DeclarationVersion.objects.filter(
                declaration__application_id__in=skipped_ids,
                status=DeclarationVersion.Status.DRAFT,
            ).values_list("declaration__application_id", flat=True)
        )
    skipped_rows = [(a, _skip_reason(a, open_flags, with_draft)) for a in skipped]
    if endorsed:
        messages.success(
            request,
            ngettext(
                "%(count)s filing was endorsed to the agency.",
                "%(count)s filings were endorsed to the agency.",
                len(endorsed),
            )
            % {"count": len(endorsed)},
        )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s filing was not endorsed; see why below.",
                "%(count)s filings were not endorsed; see why below.",
                len(skipped),
            )
            % {"count": len(skipped)},
        )
    return render(
        request,
        "review/bulk_result.html",
        {"endorsed": endorsed, "skipped": skipped_rows, "back": back},
    )


# --- one application ------------------------------------------------------------------


def _review_context(request, application, **forms) -> dict:
    data = review_data(request.user, application)
    shown = data.shown
    content = shown.content if shown.is_certified else declaration_content(shown)
    version = data.latest_certified.number if data.latest_certified else None
    return {
        "application": application,
        "review": data,
        "flags": data.flags,
        "researcher_rows": present_researcher(content),
        "application_rows": present_application(content),
        "sections": present_sections(content),
        "comment_form": forms.get("comment_form") or CommentForm(prefix="comment"),
        "changes_form": forms.get("changes_form")
        or RequestChangesForm(prefix="changes", initial={"version": version}),
        "endorse_form": forms.get("endorse_form")
        or EndorseForm(
            prefix="endorse", open_flags=data.open_flag_count, initial={"version": version}
        ),
    }


def _render_review(request, pk, status=200, **forms):
    application = application_for_user_or_404(request.user, pk)
    return render(
        request,
        "review/application.html",
        _review_context(request, application, **forms),
        status=status,
    )


@research_office_required
@require_GET
def application_review(request, pk):
    return _render_review(request, pk)


def _lock(user, pk) -> Application:
    """The application, if the office may see it (else 404), locked until the end of the
    transaction so two decisions on it cannot interleave."""
    application_for_user_or_404(user, pk)
    return Application.objects.select_for_update().get(pk=pk)


def _latest_certified_number(application) -> int | None:
    return (
        DeclarationVersion.objects.certified()
        .filter(declaration__application=application)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


def _check_version(form, application) -> bool:
    """Refuse a decision taken on a version that is no longer the latest certified one.
    (With nothing certified, the service refuses the decision with its own message.)"""
    latest = _latest_certified_number(application)
    if latest is not None and form.cleaned_data.get("version") != latest:
        form.add_error(
            None,
            _(
                "The researcher certified a newer version after you opened this page. "
                "Read it, then decide again; your text is kept below."
            ),
        )
        return False
    return True


def _not_saved(request):
    messages.error(request, _("Nothing was saved: see the message at the form below."))


@research_office_required
@require_POST
def comment_add(request, pk):
    application = application_for_user_or_404(request.user, pk)
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        review_comment_add(
            application=application, author=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Your comment was added."))
        return redirect(reverse("review:application", args=[pk]) + "#comments")
    _not_saved(request)
    return _render_review(request, pk, status=400, comment_form=form)


@research_office_required
@require_POST
def request_changes(request, pk):
    form = RequestChangesForm(request.POST, prefix="changes")
    with transaction.atomic():
        application = _lock(request.user, pk)
        if form.is_valid() and _check_version(form, application):
            try:
                application_request_changes(
                    application=application, by=request.user, body=form.cleaned_data["body"]
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Changes were requested; the researcher has been notified."),
                )
                return redirect("review:application", pk=pk)
    _not_saved(request)
    return _render_review(request, pk, status=400, changes_form=form)


@research_office_required
@require_POST
def endorse(request, pk):
    with transaction.atomic():
        application = _lock(request.user, pk)
        open_flags = open_flag_counts([application.pk]).get(application.pk, 0)
        form = EndorseForm(request.POST, prefix="endorse", open_flags=open_flags)
        if form.is_valid() and _check_version(form, application):
            try:
                application_endorse(
                    application=application, by=request.user, body=form.cleaned_data["body"]
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The filing was endorsed to the agency; the researcher has been notified."),
                )
                return redirect("review:application", pk=pk)
    _not_saved(request)
    return _render_review(request, pk, status=400, endorse_form=form)


# --- approved outside posts -----------------------------------------------------------

POST_KINDS = {
    "consulting": gettext_lazy("Consulting"),
    "concurrent_job": gettext_lazy("Concurrent job (兼業)"),
    "appointment": gettext_lazy("Appointment"),
    "other": gettext_lazy("Other"),
}


@research_office_required
@require_http_methods(["GET", "POST"])
def outside_posts(request):
    form = OutsidePostsUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"published_on": timezone.localdate()},
    )
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = snapshot_load(
                    kind=Snapshot.Kind.OUTSIDE_POSTS,
                    file=upload,
                    source_name=upload.name,
                    published_on=form.cleaned_data["published_on"],
                    user=request.user,
                    institution=request.user.institution,
                )
            except ReferenceImportError as error:
                errors = error.messages
            else:
                snapshot = result.snapshot
                if result.created:
                    enqueue_on_commit(rescreen_snapshot, snapshot_id=snapshot.pk)
                    messages.success(
                        request,
                        ngettext(
                            "Loaded %(count)s approved outside post; the filings it concerns "
                            "are being checked again.",
                            "Loaded %(count)s approved outside posts; the filings they concern "
                            "are being checked again.",
                            snapshot.row_count,
                        )
                        % {"count": snapshot.row_count},
                    )
                else:
                    messages.info(request, _("This file was already loaded; nothing changed."))
                return redirect("review:outside_posts_snapshot", pk=snapshot.pk)
        status = 400
        messages.error(request, _("Nothing was loaded: see the errors below."))
    snapshots = Paginator(outside_post_snapshots(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "review/outside_posts.html",
        {
            "form": form,
            "errors": errors,
            "snapshots": snapshots,
            "columns": OUTSIDE_POST_COLUMNS,
        },
        status=status,
    )


@research_office_required
@require_GET
def outside_posts_snapshot(request, pk):
    snapshot = get_object_or_404(outside_post_snapshots(request.user), pk=pk)
    page = Paginator(outside_post_rows(snapshot), SNAPSHOT_ROWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    posts = [(post, POST_KINDS.get(post.details.get("post_kind"), "")) for post in page]
    return render(
        request,
        "review/outside_posts_snapshot.html",
        {"snapshot": snapshot, "page": page, "posts": posts},
    )


@research_office_required
@require_GET
def outside_posts_template(request):
    """The CSV header the register must have, as a file to fill in (UTF-8 with a BOM, so
    that Excel keeps Japanese text when it saves it back)."""
    body = "\ufeff" + ",".join(OUTSIDE_POST_COLUMNS) + "\r\n"
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="approved-outside-posts.csv"'
    return response


# --- dashboard and exports ------------------------------------------------------------

_PALETTE = {
    Application.Status.DRAFT: "#6c757d",
    Application.Status.SUBMITTED: "#0d6efd",
    Application.Status.CHANGES_REQUESTED: "#fd7e14",
    Application.Status.ENDORSED: "#198754",
}


def _chart_data(figures: dict) -> dict:
    statuses = figures["statuses"]
    # Charts label a week by its first day; the table beside it gives the whole range.
    week_labels = [date_format(w["start"], "MONTH_DAY_FORMAT") for w in figures["deadline_weeks"]]
    return {
        "status": {
            "labels": [label for label, _n in figures["status_rows"]],
            "values": [n for _label, n in figures["status_rows"]],
            "colors": [_PALETTE[s] for s in statuses],
            "label": _("Filings"),
        },
        "deadlines": {
            "labels": week_labels,
            "axis": _("Week starting"),
            "datasets": [
                {
                    "label": str(status.label),
                    "data": [w["counts"][status.value] for w in figures["deadline_weeks"]],
                    "color": _PALETTE[status],
                }
                for status in statuses
            ],
        },
        "flags": {
            "labels": [label for label, _n in figures["flag_rows"]],
            "values": [n for _label, n in figures["flag_rows"]],
            "label": _("Open flags"),
        },
        "trend": {
            "labels": [date_format(m, "YEAR_MONTH_FORMAT") for m, _f, _a in figures["trend_rows"]],
            "datasets": [
                {
                    "label": _("First certifications"),
                    "data": [f for _m, f, _a in figures["trend_rows"]],
                    "color": "#0d6efd",
                },
                {
                    "label": _("Amendments certified"),
                    "data": [a for _m, _f, a in figures["trend_rows"]],
                    "color": "#6f42c1",
                },
            ],
        },
    }


@research_office_required
@require_GET
def dashboard(request):
    form = _filter_form(request)
    figures = dashboard_figures(request.user, form.filters())
    return render(
        request,
        "review/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "chart_data": _chart_data(figures),
            "query": _query_without(request, "page"),
        },
    )


def _export(request, suffix: str, content_type: str, write) -> HttpResponse:
    form = _filter_form(request)
    applications = office_queue(request.user, form.filters())

    def url_for(application):
        return request.build_absolute_uri(reverse("review:application", args=[application.pk]))

    rows = exports.queue_rows(applications.iterator(chunk_size=500), url_for)
    response = HttpResponse(write(rows), content_type=content_type)
    filename = f"review-queue-{timezone.localdate().isoformat()}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@research_office_required
@require_GET
def export_csv(request):
    return _export(request, "csv", "text/csv; charset=utf-8", exports.write_csv)


@research_office_required
@require_GET
def export_xlsx(request):
    return _export(
        request,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda rows: exports.write_xlsx(rows, title=_("Review queue")),
    )

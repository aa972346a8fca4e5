import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from portal.admin_scope import (
    AdministratorOnlyMixin,
    AgencyScopedAdminMixin,
    ServiceOnlyAdminMixin,
    action_form_page,
    back_to,
    is_administrator,
    researcher_name,
    researcher_search,
)
from portal.exceptions import ServiceError

from .models import CheckRun, Flag, Snapshot
from .presentation import present_evidence
from .rules import RULES


class SnapshotUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Snapshot.Kind.choices)
    file = forms.FileField(label=_("File"))
    published_on = forms.DateField(
        label=_("Publication date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    institution = forms.ModelChoiceField(
        label=_("Institution (approved outside posts only)"),
        queryset=Institution.objects.all(),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Snapshot.Kind.OUTSIDE_POSTS and not cleaned.get("institution"):
            self.add_error("institution", _("Approved outside posts belong to an institution."))
        return cleaned


@admin.register(Snapshot)
class SnapshotAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    """Snapshots are immutable: they are loaded through the upload page, never edited."""

    list_display = (
        "kind",
        "published_on",
        "row_count",
        "sha256",
        "source",
        "loaded_at",
        "loaded_by",
        "institution",
    )
    list_filter = ("kind",)
    change_list_template = "admin/checks/snapshot/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="checks_snapshot_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        from portal.queue import enqueue_on_commit

        from .importers.load import ReferenceImportError, snapshot_load
        from .tasks import rescreen_snapshot

        if not request.user.is_superuser:
            messages.error(request, _("Only administrators load reference data."))
            return redirect("admin:checks_snapshot_changelist")
        form = SnapshotUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = snapshot_load(
                    kind=form.cleaned_data["kind"],
                    file=upload,
                    source_name=upload.name,
                    published_on=form.cleaned_data["published_on"],
                    user=request.user,
                    institution=form.cleaned_data["institution"],
                )
            except ReferenceImportError as error:
                errors = error.messages
            else:
                snapshot = result.snapshot
                if result.created:
                    enqueue_on_commit(rescreen_snapshot, snapshot_id=snapshot.pk)
                    messages.success(
                        request,
                        _("Loaded %(rows)s rows; affected filings are being re-checked.")
                        % {"rows": snapshot.row_count},
                    )
                else:
                    messages.info(request, _("This file was already loaded; nothing changed."))
                return redirect("admin:checks_snapshot_changelist")
        return render(
            request,
            "admin/checks/snapshot/upload.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Load reference data"),
                "form": form,
                "errors": errors,
                "opts": self.model._meta,
            },
        )


@admin.register(CheckRun)
class CheckRunAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ("scope", "status", "progress", "started_at", "finished_at", "started_by")
    list_filter = ("status",)
    readonly_fields = [f.name for f in CheckRun._meta.fields]

    @admin.display(description=_("progress"))
    def progress(self, run):
        return f"{run.done} / {run.total}"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------------------------------
# Flag triage
# ---------------------------------------------------------------------------------------

AGE_BUCKETS = (
    ("0-7", _("0–7 days")),
    ("8-30", _("8–30 days")),
    ("31+", _("more than 30 days")),
)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def age_bucket_q(code: str, today: datetime.date | None = None) -> Q:
    """Flags raised 0–7, 8–30 or more than 30 days ago (in whole local days)."""
    today = today or timezone.localdate()
    week, month = (
        _start_of(today - datetime.timedelta(days=7)),
        _start_of(today - datetime.timedelta(days=30)),
    )
    if code == "0-7":
        return Q(raised_at__gte=week)
    if code == "8-30":
        return Q(raised_at__gte=month, raised_at__lt=week)
    if code == "31+":
        return Q(raised_at__lt=month)
    return Q()


def describe_flag(flag: Flag) -> str:
    rule = RULES.get(flag.rule)
    return f"{rule.title if rule else flag.rule} · {flag.subject} · {flag.application.title}"


def age_in_days(flag: Flag) -> int:
    return (timezone.localdate() - timezone.localdate(flag.raised_at)).days


class RuleFilter(admin.SimpleListFilter):
    title = _("rule")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        return sorted(((code, rule.title) for code, rule in RULES.items()), key=lambda c: str(c[1]))

    def queryset(self, request, queryset):
        return queryset.filter(rule=self.value()) if self.value() else queryset


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return AGE_BUCKETS

    def queryset(self, request, queryset):
        if self.value() in dict(AGE_BUCKETS):
            return queryset.filter(age_bucket_q(self.value()))
        return queryset


# How the evidence a rule stored is shown: a title per kind of evidence, a label per key.
@dataclass
class ContentRow:
    fields: list[tuple[str, str]]
    highlighted: bool = False


@dataclass
class ContentSection:
    title: str
    rows: list[ContentRow]
    note: str = ""


# Sections a declaration is compared against when a rule finds something missing from it.
_POSITION_SECTIONS = ("appointments", "outside_activities", "talent_programmes")
_SUPPORT_SECTIONS = ("support", "in_kind", "talent_programmes", "contracts")


def _relevant_keys_and_sections(flag: Flag) -> tuple[set[str], list[str]]:
    from disclosures.models import SECTIONS

    keys, sections = set(), []
    parts = flag.subject.split(":")
    if len(parts) >= 2 and parts[0] in SECTIONS:
        keys.add(parts[1])
        sections.append(parts[0])
    elif len(parts) >= 2 and parts[0] == "contract":
        keys.add(parts[1])
        sections.append("contracts")
    for item in flag.evidence or []:
        if not isinstance(item, dict):
            continue
        if item.get("section") in SECTIONS:
            sections.append(item["section"])
            if item.get("type") != "other_filing" and item.get("key"):
                keys.add(item["key"])
        row = item.get("item")
        if isinstance(row, dict) and row.get("key") and item.get("type") == "similar_support":
            keys.add(row["key"])
            sections.append("support")
        if item.get("type") == "evidence":
            kind = item.get("kind")
            sections += (
                _POSITION_SECTIONS
                if kind in ("employment", "invited_position", "outside_post")
                else _SUPPORT_SECTIONS
            )
    if flag.rule == "over_commitment":
        sections.append("support")
    return keys, list(dict.fromkeys(sections))


def present_declaration(flag: Flag) -> dict | None:
    """The rows of the certified declaration version that the flag is about: the rows it
    names (highlighted), or the whole section when the rule found something missing."""
    from disclosures.models import SECTIONS
    from disclosures.presentation import present_fields, present_researcher
    from funding.models import Application

    version = flag.version
    if version is None or not version.content:
        return None
    content = version.content
    keys, names = _relevant_keys_and_sections(flag)
    sections = []
    for name in names:
        model = SECTIONS[name][0]
        rows = content["sections"].get(name, [])
        named = [row for row in rows if row.get("key") in keys]
        title = capfirst(str(model._meta.verbose_name_plural))
        if named:
            shown, note = named, ""
        else:
            shown = rows
            note = (
                gettext("Everything this section declares:")
                if rows
                else gettext("This section declares nothing.")
            )
        sections.append(
            ContentSection(
                title,
                [
                    ContentRow(
                        present_fields(model, row, model.content_fields),
                        highlighted=row.get("key") in keys,
                    )
                    for row in shown
                ],
                note,
            )
        )
    application = [
        present_researcher(content)[-1],  # the affiliation: the home institution
        *present_fields(
            Application,
            content["application"],
            ("title", "start_date", "end_date", "effort_percent"),
        ),
    ]
    return {"version": version, "application": application, "sections": sections}


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for dismissing"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=_("Why these flags need no further action. Kept with each flag and audited."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for dismissing the flag."))
        return reason


class OpenCaseForm(forms.Form):
    title = forms.CharField(label=_("Case title"), max_length=300)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 70})
    )


@admin.register(Flag)
class FlagAdmin(ServiceOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    """Triage: officers read a flag with its evidence and the certified declaration side by
    side, then dismiss it (with a reason), confirm it or open a case; only through
    checks.services.flags_set_status and enforcement.services.case_open."""

    list_display = (
        "rule_title",
        "severity_badge",
        "status_badge",
        "age",
        "researcher",
        "application_link",
        "summary",
    )
    list_display_links = ("rule_title",)
    list_filter = (
        RuleFilter,
        "status",
        "severity",
        AgeFilter,
        ("application__programme", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = (
        "application__programme__agency",
        "application__researcher__researcher_profile",
    )
    search_fields = (
        "application__title",
        "subject",
        *researcher_search("application__researcher"),
    )
    search_help_text = _("Application title, researcher's name or number, or subject.")
    actions = ("dismiss_flags", "confirm_flags", "open_case")
    change_form_template = "admin/checks/flag/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": gettext("Flags to triage"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("rule"), ordering="rule")
    def rule_title(self, flag):
        rule = RULES.get(flag.rule)
        return rule.title if rule else flag.rule

    @admin.display(description=_("what was found"))
    def summary(self, flag):
        rule = RULES.get(flag.rule)
        text = rule.explain(flag.params) if rule else flag.subject
        return Truncator(text).chars(80)

    @admin.display(description=_("researcher"))
    def researcher(self, flag):
        return researcher_name(flag.application.researcher)

    @admin.display(description=_("severity"), ordering="severity")
    def severity_badge(self, flag):
        return format_html(
            '<span class="badge severity-{}">{}</span>', flag.severity, flag.get_severity_display()
        )

    @admin.display(description=pgettext_lazy("flag", "status"), ordering="status")
    def status_badge(self, flag):
        return format_html(
            '<span class="badge status-{}">{}</span>', flag.status, flag.get_status_display()
        )

    @admin.display(description=_("application"), ordering="application__title")
    def application_link(self, flag):
        url = reverse("admin:funding_application_change", args=[flag.application_id])
        return format_html(
            '<a href="{}">{}</a><br><span class="quiet">{}</span>',
            url,
            flag.application.title,
            flag.application.programme.code,
        )

    @admin.display(description=_("age"), ordering="raised_at")
    def age(self, flag):
        days = age_in_days(flag)
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        flag = self.get_object(request, unquote(object_id))
        rule = RULES.get(flag.rule)
        rule_title = rule.title if rule else flag.rule
        context = {
            "title": gettext("Flag: %(rule)s") % {"rule": rule_title},
            "subtitle": None,
            "flag": flag,
            "rule_title": rule_title,
            "explanation": rule.explain(flag.params) if rule else "",
            "researcher_name": researcher_name(flag.application.researcher),
            "age_days": age_in_days(flag),
            "evidence_cards": present_evidence(flag),
            "declaration": present_declaration(flag),
            "cases": list(flag.cases.all()),
            "can_triage": self.has_change_permission(request, flag),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description=_("Dismiss the selected flags…"), permissions=["change"])
    def dismiss_flags(self, request, queryset):
        from checks.services import flags_set_status

        form = DismissForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            flags = list(queryset)
            try:
                changed = flags_set_status(
                    flags=flags,
                    status=Flag.Status.DISMISSED,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                done = ngettext("%(n)d flag dismissed.", "%(n)d flags dismissed.", changed)
                self._report(request, changed, len(flags), done % {"n": changed})
            return back_to(request, self, flags[0] if len(flags) == 1 else None)
        return action_form_page(
            request,
            self,
            queryset,
            action="dismiss_flags",
            form=form,
            title=gettext("Dismiss flags"),
            intro=gettext(
                "A dismissed flag needs no further action. Only open flags are dismissed; "
                "the reason is kept with each flag and in the audit trail."
            ),
            submit=gettext("Dismiss"),
            describe=describe_flag,
        )

    @admin.action(description=_("Confirm the selected flags"), permissions=["change"])
    def confirm_flags(self, request, queryset):
        from checks.services import flags_set_status

        flags = list(queryset)
        changed = flags_set_status(flags=flags, status=Flag.Status.CONFIRMED, by=request.user)
        done = ngettext("%(n)d flag confirmed.", "%(n)d flags confirmed.", changed)
        self._report(request, changed, len(flags), done % {"n": changed})
        return back_to(request, self, flags[0] if len(flags) == 1 else None)

    @admin.action(description=_("Open a case with the selected flags…"), permissions=["change"])
    def open_case(self, request, queryset):
        from enforcement.services import case_open

        flags = list(queryset.select_related("application__researcher", "application__programme"))
        researchers = {f.application.researcher_id for f in flags}
        agencies = {f.application.programme.agency_id for f in flags}
        if len(researchers) != 1:
            messages.error(request, gettext("All the flags of a case must concern one researcher."))
            return None
        if len(agencies) != 1:
            messages.error(request, gettext("All the flags of a case must concern one agency."))
            return None
        researcher = flags[0].application.researcher
        agency = (
            flags[0].application.programme.agency
            if is_administrator(request.user)
            else request.user.agency
        )
        form = OpenCaseForm(
            request.POST if "apply" in request.POST else None,
            initial={"title": researcher_name(researcher)},
        )
        if form.is_bound and form.is_valid():
            try:
                case = case_open(
                    researcher=researcher,
                    agency=agency,
                    title=form.cleaned_data["title"],
                    notes=form.cleaned_data["notes"],
                    flags=flags,
                    by=request.user,
                )
            except ServiceError as error:
                messages.error(request, str(error))
                return back_to(request, self, flags[0] if len(flags) == 1 else None)
            messages.success(request, gettext("Case “%(case)s” opened.") % {"case": case})
            return HttpResponseRedirect(reverse("admin:enforcement_case_change", args=[case.pk]))
        return action_form_page(
            request,
            self,
            flags,
            action="open_case",
            form=form,
            title=gettext("Open a case"),
            intro=gettext("A case about %(researcher)s, with these flags:")
            % {"researcher": researcher_name(researcher)},
            submit=gettext("Open the case"),
            describe=describe_flag,
        )

    def _report(self, request, changed: int, selected: int, done: str) -> None:
        messages.success(request, done)
        if changed < selected:
            messages.warning(
                request,
                ngettext(
                    "%(n)d flag was not open and was left as it was.",
                    "%(n)d flags were not open and were left as they were.",
                    selected - changed,
                )
                % {"n": selected - changed},
            )

"""What agency officers do with flags once they are worth a case: cases and their findings,
restrictions of eligibility (a registry every agency reads) and appeals against them.

Nothing here is saved from a form field: every change is an admin action or page that
calls enforcement.services, which check the officer's agency and write the audit events.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from funding.models import Agency, Application
from portal.admin_scope import (
    AgencyScopedAdminMixin,
    ServiceOnlyAdminMixin,
    action_form_page,
    back_to,
    form_page,
    in_scope,
    is_administrator,
    only_one,
    plain,
    researcher_name,
    researcher_search,
    scoped,
)
from portal.exceptions import ServiceError

from .models import Appeal, Case, Finding, Restriction

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT = forms.Textarea(attrs={"rows": 4, "cols": 70})


class _Form(forms.Form):
    required_css_class = "required"


def _link(viewname: str, obj, text=None):
    return format_html('<a href="{}">{}</a>', reverse(viewname, args=[obj.pk]), text or obj)


# ---------------------------------------------------------------------------------------
# Cases and findings
# ---------------------------------------------------------------------------------------


class FindingForm(_Form):
    kind = forms.ChoiceField(
        label=_("Finding"),
        choices=Finding.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A false or missing report confirms the case's open flags; an unfounded one "
            "dismisses them, with the basis as the reason."
        ),
    )
    basis = forms.CharField(
        label=_("Basis"), widget=_TEXT, help_text=_("The facts and rules the finding rests on.")
    )


class FindingInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = Finding
    extra = 0
    can_delete = False
    fields = ("kind", "basis", "recorded_by_name", "recorded_at", "restrictions_of")
    readonly_fields = fields
    show_change_link = True
    recorded_by_name = plain("recorded_by", _("recorded by"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("restrictions"))
    def restrictions_of(self, finding):
        links = [
            _link("admin:enforcement_restriction_change", r) for r in finding.restrictions.all()
        ]
        return format_html_join(", ", "{}", ((link,) for link in links)) or "—"


@admin.register(Case)
class CaseAdmin(ServiceOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "researcher_display",
        "agency",
        "status",
        "flag_count",
        "finding_count",
        "opened_at",
        "opened_by",
    )
    list_filter = ("status", ("agency", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("researcher__researcher_profile", "agency", "opened_by")
    search_fields = ("title", "notes", *researcher_search("researcher"))
    fields = (
        "title",
        "researcher_display",
        "agency_name",
        "status",
        "notes",
        "flag_list",
        "opened_by_name",
        "opened_at",
    )
    readonly_fields = ("researcher_display", "agency_name", "flag_list", "opened_by_name")
    agency_name = plain("agency", _("agency"))
    opened_by_name = plain("opened_by", _("opened by"))
    inlines = (FindingInline,)
    actions = ("record_finding", "close_cases")
    change_form_template = "admin/enforcement/case/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                flag_total=Count("flags", distinct=True),
                finding_total=Count("findings", distinct=True),
            )
        )

    def has_add_permission(self, request):
        return False  # opened from flags (FlagAdmin's "Open a case" action)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("researcher"), ordering="researcher__username")
    def researcher_display(self, case):
        return researcher_name(case.researcher)

    @admin.display(description=_("flags"), ordering="flag_total")
    def flag_count(self, case):
        return case.flag_total

    @admin.display(description=_("findings"), ordering="finding_total")
    def finding_count(self, case):
        return case.finding_total

    @admin.display(description=_("flags"))
    def flag_list(self, case):
        from checks.rules import RULES

        flags = case.flags.select_related("application")
        rows = [
            (
                reverse("admin:checks_flag_change", args=[flag.pk]),
                RULES[flag.rule].title if flag.rule in RULES else flag.rule,
                flag.get_status_display(),
                flag.application.title,
                Truncator(
                    RULES[flag.rule].explain(flag.params) if flag.rule in RULES else ""
                ).chars(120),
            )
            for flag in flags
        ]
        if not rows:
            return "—"
        return format_html(
            '<ul class="plain-list">{}</ul>',
            format_html_join(
                "", '<li><a href="{}">{}</a> <strong>({})</strong> · {}<br>{}</li>', rows
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, unquote(object_id))
        extra_context = {
            "can_act": self.has_change_permission(request, case),
            "latest_finding": case.findings.order_by("-recorded_at", "-pk").first(),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Record a finding…"), permissions=["add_finding"])
    def record_finding(self, request, queryset):
        from checks.models import Flag

        from .services import finding_record

        case = only_one(request, queryset, gettext("case"))
        if case is None:
            return None
        form = FindingForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            open_flags = case.flags.filter(status=Flag.Status.OPEN).count()
            try:
                finding = finding_record(
                    case=case,
                    kind=form.cleaned_data["kind"],
                    basis=form.cleaned_data["basis"],
                    by=request.user,
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                recorded = gettext("Finding “%(finding)s” recorded.") % {
                    "finding": finding.get_kind_display()
                }
                settled = ngettext(
                    "%(n)d open flag of the case was settled.",
                    "%(n)d open flags of the case were settled.",
                    open_flags,
                ) % {"n": open_flags}
                messages.success(request, f"{recorded} {settled}" if open_flags else recorded)
            return HttpResponseRedirect(reverse("admin:enforcement_case_change", args=[case.pk]))
        return action_form_page(
            request,
            self,
            [case],
            action="record_finding",
            form=form,
            title=gettext("Record a finding"),
            submit=gettext("Record the finding"),
        )

    def has_add_finding_permission(self, request):
        return request.user.has_perm("enforcement.add_finding")

    @admin.action(description=_("Close the selected cases"), permissions=["change"])
    def close_cases(self, request, queryset):
        from .services import case_close

        cases, closed = list(queryset), 0
        for case in cases:
            if case.status != Case.Status.OPEN:
                continue
            try:
                case_close(case=case, by=request.user)
            except ServiceError as error:
                messages.error(request, f"{case}: {error}")
            else:
                closed += 1
        messages.success(
            request,
            ngettext("%(n)d case closed.", "%(n)d cases closed.", closed) % {"n": closed},
        )
        return back_to(request, self, cases[0] if len(cases) == 1 else None)


@admin.register(Finding)
class FindingAdmin(ServiceOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "case", "researcher_display", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    list_select_related = ("case__researcher__researcher_profile", "recorded_by")
    search_fields = ("basis", "case__title", *researcher_search("case__researcher"))
    fields = ("case", "researcher_display", "kind", "basis", "recorded_by_name", "recorded_at")
    readonly_fields = ("researcher_display", "recorded_by_name")
    recorded_by_name = plain("recorded_by", _("recorded by"))
    change_form_template = "admin/enforcement/finding/change_form.html"

    def has_add_permission(self, request):
        return False  # recorded on a case (CaseAdmin's "Record a finding" action)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("researcher"))
    def researcher_display(self, finding):
        return researcher_name(finding.case.researcher)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        finding = self.get_object(request, unquote(object_id))
        extra_context = {
            "can_restrict": request.user.has_perm("enforcement.add_restriction")
            and (
                is_administrator(request.user) or finding.case.agency_id == request.user.agency_id
            ),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)


# ---------------------------------------------------------------------------------------
# Restrictions and appeals
# ---------------------------------------------------------------------------------------


def restriction_state(restriction: Restriction, today=None) -> str:
    today = today or timezone.localdate()
    if restriction.lifted_at is not None:
        return "lifted"
    if restriction.ends_on < today:
        return "expired"
    if restriction.starts_on > today:
        return "upcoming"
    return "in_force"


STATES = (
    ("in_force", _("In force")),
    ("upcoming", _("Not yet in force")),
    ("lifted", _("Lifted")),
    ("expired", _("Expired")),
)


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return STATES

    def queryset(self, request, queryset):
        today = timezone.localdate()
        not_lifted = Q(lifted_at__isnull=True)
        filters = {
            "in_force": not_lifted & Q(starts_on__lte=today, ends_on__gte=today),
            "upcoming": not_lifted & Q(starts_on__gt=today),
            "lifted": Q(lifted_at__isnull=False),
            "expired": not_lifted & Q(ends_on__lt=today),
        }
        return queryset.filter(filters[self.value()]) if self.value() in filters else queryset


class ResearcherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        profile = getattr(obj, "researcher_profile", None)
        number = profile.researcher_number if profile and profile.researcher_number else ""
        name = researcher_name(obj)
        return f"{name} · {number}" if number else f"{name} · {obj.username}"


class FindingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()} · {obj.case} · {researcher_name(obj.case.researcher)}"


class ImposeForm(_Form):
    agency = forms.ModelChoiceField(label=_("Imposed by agency"), queryset=Agency.objects.all())
    researcher = ResearcherChoiceField(label=_("Researcher"), queryset=User.objects.none())
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=Restriction.Scope.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Every agency sees the restriction; “all agencies' programmes” bars the researcher "
            "from every agency's calls."
        ),
    )
    starts_on = forms.DateField(label=_("From"), widget=_DATE)
    ends_on = forms.DateField(label=_("Until"), widget=_DATE, help_text=_("The last day barred."))
    reason = forms.CharField(
        label=_("Reason"),
        widget=_TEXT,
        help_text=_("Shared with every agency and told to the researcher."),
    )
    finding = FindingChoiceField(
        label=_("Finding"),
        queryset=Finding.objects.none(),
        required=False,
        help_text=_("The finding the restriction rests on, if any."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        researchers = User.objects.filter(role=User.Role.RESEARCHER).select_related(
            "researcher_profile"
        )
        self.fields["researcher"].queryset = scoped(researchers, user, for_change=True).order_by(
            "researcher_profile__family_name_latin", "username"
        )
        self.fields["finding"].queryset = scoped(
            Finding.objects.select_related("case__researcher__researcher_profile"),
            user,
            for_change=True,
        )
        if not is_administrator(user):
            del self.fields["agency"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The restriction must end on or after its first day."))
        finding, researcher = cleaned.get("finding"), cleaned.get("researcher")
        if finding and researcher and finding.case.researcher_id != researcher.pk:
            self.add_error("finding", _("This finding concerns another researcher."))
        agency = cleaned.get("agency") or self.user.agency
        if finding and agency and finding.case.agency_id != agency.pk:
            self.add_error("finding", _("This finding belongs to another agency's case."))
        return cleaned


class LiftForm(_Form):
    reason = forms.CharField(label=_("Reason for lifting"), widget=_TEXT)


class AppealForm(_Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=_DATE)
    grounds = forms.CharField(label=_("Grounds"), widget=_TEXT)


class DecideForm(_Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Appeal.Outcome.UPHELD, Appeal.Outcome.UPHELD.label),
            (Appeal.Outcome.OVERTURNED, Appeal.Outcome.OVERTURNED.label),
        ],
        widget=forms.RadioSelect,
        help_text=_("An overturned restriction is lifted at once."),
    )
    notes = forms.CharField(label=_("Decision"), widget=_TEXT)


class AppealInline(AgencyScopedAdminMixin, admin.TabularInline):
    """The appeals against a restriction, read-only; filed and decided through actions."""

    model = Appeal
    extra = 0
    can_delete = False
    fields = ("filed_on", "grounds", "outcome", "decided_on", "decided_by_name", "decision_notes")
    readonly_fields = fields
    show_change_link = True
    decided_by_name = plain("decided_by", _("decided by"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Restriction)
class RestrictionAdmin(ServiceOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    """The shared registry: every agency's restrictions are listed; an officer imposes,
    lifts and handles appeals for their own agency's only."""

    list_display = (
        "researcher_display",
        "agency",
        "scope",
        "starts_on",
        "ends_on",
        "state",
        "finding_kind",
    )
    list_filter = (StateFilter, "scope", ("agency", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("researcher__researcher_profile", "agency", "finding__case")
    search_fields = ("reason", *researcher_search("researcher"))
    fields = (
        "researcher_display",
        "agency_name",
        "scope",
        "starts_on",
        "ends_on",
        "state",
        "reason",
        "finding",
        "imposed_by_name",
        "imposed_at",
        "lifted_at",
        "lifted_by_name",
        "lift_reason",
    )
    readonly_fields = (
        "researcher_display",
        "agency_name",
        "state",
        "finding_kind",
        "imposed_by_name",
        "lifted_by_name",
    )
    agency_name = plain("agency", _("imposed by agency"))
    imposed_by_name = plain("imposed_by", _("imposed by"))
    lifted_by_name = plain("lifted_by", _("lifted by"))
    inlines = (AppealInline,)
    actions = ("lift_restrictions", "file_appeal")
    change_form_template = "admin/enforcement/restriction/change_form.html"
    change_list_template = "admin/enforcement/restriction/change_list.html"

    def has_delete_permission(self, request, obj=None):
        return False

    def get_inlines(self, request, obj):
        # Appeals are between the researcher and the agency that imposed the restriction.
        if obj is not None and not self.has_change_permission(request, obj):
            return ()
        return super().get_inlines(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.finding and not in_scope(obj.finding, request.user):
            # Another agency's finding: its kind, not a link to a page that answers 404.
            fields = ["finding_kind" if name == "finding" else name for name in fields]
        return fields

    @admin.display(description=_("researcher"), ordering="researcher__username")
    def researcher_display(self, restriction):
        return researcher_name(restriction.researcher)

    @admin.display(description=_("finding"), ordering="finding__kind")
    def finding_kind(self, restriction):
        return restriction.finding.get_kind_display() if restriction.finding else "—"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": gettext("Restrictions of every agency (shared registry)"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("state"))
    def state(self, restriction):
        return dict(STATES)[restriction_state(restriction)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        restriction = self.get_object(request, unquote(object_id))
        extra_context = {
            "subtitle": f"{researcher_name(restriction.researcher)} · "
            f"{date_format(restriction.starts_on)} – {date_format(restriction.ends_on)}",
            "can_act": self.has_change_permission(request, restriction)
            and restriction.lifted_at is None,
            # Only the held applications this user may see: another agency's stay hidden.
            "held_applications": scoped(
                Application.objects.filter(held_by_restriction=restriction), request.user
            ).select_related("programme"),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        """The "Impose a restriction" page: a form of its own, through restriction_impose."""
        from .services import restriction_impose

        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"starts_on": timezone.localdate()}
        finding = scoped(Finding.objects.select_related("case"), request.user, for_change=True)
        finding = finding.filter(pk=request.GET.get("finding") or 0).first()
        if finding is not None:
            initial.update(
                finding=finding, researcher=finding.case.researcher, agency=finding.case.agency
            )
        form = ImposeForm(
            request.POST if request.method == "POST" else None, user=request.user, initial=initial
        )
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                restriction = restriction_impose(
                    researcher=data["researcher"],
                    agency=data.get("agency") or request.user.agency,
                    scope=data["scope"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    reason=data["reason"],
                    finding=data["finding"],
                    by=request.user,
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                held = restriction.held_applications.count()
                messages.success(
                    request,
                    ngettext(
                        "Restriction imposed; %(n)d application in flight is held.",
                        "Restriction imposed; %(n)d applications in flight are held.",
                        held,
                    )
                    % {"n": held},
                )
                return HttpResponseRedirect(
                    reverse("admin:enforcement_restriction_change", args=[restriction.pk])
                )
        return form_page(
            request,
            self,
            form=form,
            title=gettext("Impose a restriction"),
            intro=gettext(
                "The researcher will not be able to apply to programmes in scope during the "
                "period; applications in flight within the scope are held. The restriction is "
                "listed for every agency, and the researcher is notified."
            ),
            submit=gettext("Impose the restriction"),
        )

    @admin.action(description=_("Lift the selected restrictions early…"), permissions=["change"])
    def lift_restrictions(self, request, queryset):
        from .services import restriction_lift

        restrictions = [
            r for r in queryset if r.lifted_at is None and self.has_change_permission(request, r)
        ]
        if not restrictions:
            messages.error(
                request, gettext("None of the selected restrictions can be lifted by you.")
            )
            return None
        form = LiftForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            lifted = 0
            for restriction in restrictions:
                try:
                    restriction_lift(
                        restriction=restriction, by=request.user, reason=form.cleaned_data["reason"]
                    )
                except ServiceError as error:
                    messages.error(request, f"{restriction}: {error}")
                else:
                    lifted += 1
            messages.success(
                request,
                ngettext("%(n)d restriction lifted.", "%(n)d restrictions lifted.", lifted)
                % {"n": lifted},
            )
            return back_to(request, self, restrictions[0] if len(restrictions) == 1 else None)
        return action_form_page(
            request,
            self,
            restrictions,
            action="lift_restrictions",
            form=form,
            title=gettext("Lift restrictions early"),
            intro=gettext(
                "Only your agency's restrictions that are not lifted yet are listed. Held "
                "applications are released and the researcher is notified."
            ),
            submit=gettext("Lift"),
        )

    @admin.action(description=_("File an appeal…"), permissions=["add_appeal"])
    def file_appeal(self, request, queryset):
        from .services import appeal_file

        restriction = only_one(request, queryset, gettext("restriction"))
        if restriction is None:
            return None
        if not self.has_change_permission(request, restriction):
            messages.error(request, gettext("Appeals are filed with the agency that imposed it."))
            return None
        form = AppealForm(
            request.POST if "apply" in request.POST else None,
            initial={"filed_on": timezone.localdate()},
        )
        if form.is_bound and form.is_valid():
            try:
                appeal_file(
                    restriction=restriction,
                    filed_on=form.cleaned_data["filed_on"],
                    grounds=form.cleaned_data["grounds"],
                    by=request.user,
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, gettext("Appeal filed."))
            return HttpResponseRedirect(
                reverse("admin:enforcement_restriction_change", args=[restriction.pk])
            )
        return action_form_page(
            request,
            self,
            [restriction],
            action="file_appeal",
            form=form,
            title=gettext("File an appeal"),
            submit=gettext("File the appeal"),
        )

    def has_add_appeal_permission(self, request):
        return request.user.has_perm("enforcement.add_appeal")


@admin.register(Appeal)
class AppealAdmin(ServiceOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "restriction",
        "researcher_display",
        "filed_on",
        "outcome",
        "decided_on",
        "decided_by",
    )
    list_filter = ("outcome",)
    list_select_related = ("restriction__researcher__researcher_profile", "decided_by")
    search_fields = ("grounds", "decision_notes", *researcher_search("restriction__researcher"))
    fields = (
        "restriction",
        "researcher_display",
        "filed_on",
        "grounds",
        "outcome",
        "decided_on",
        "decided_by_name",
        "decision_notes",
    )
    readonly_fields = ("researcher_display", "decided_by_name")
    decided_by_name = plain("decided_by", _("decided by"))
    actions = ("decide_appeal",)
    change_form_template = "admin/enforcement/appeal/change_form.html"

    def has_add_permission(self, request):
        return False  # filed on a restriction (RestrictionAdmin's "File an appeal" action)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("researcher"))
    def researcher_display(self, appeal):
        return researcher_name(appeal.restriction.researcher)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        appeal = self.get_object(request, unquote(object_id))
        extra_context = {
            "can_act": self.has_change_permission(request, appeal)
            and appeal.outcome == Appeal.Outcome.PENDING,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Decide the appeal…"), permissions=["change"])
    def decide_appeal(self, request, queryset):
        from .services import appeal_decide

        appeal = only_one(request, queryset, gettext("appeal"))
        if appeal is None:
            return None
        if appeal.outcome != Appeal.Outcome.PENDING:
            messages.error(request, gettext("This appeal has already been decided."))
            return None
        form = DecideForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                appeal_decide(
                    appeal=appeal,
                    outcome=form.cleaned_data["outcome"],
                    notes=form.cleaned_data["notes"],
                    by=request.user,
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    gettext("Appeal decided: %(outcome)s.")
                    % {"outcome": Appeal.Outcome(form.cleaned_data["outcome"]).label},
                )
            return HttpResponseRedirect(
                reverse("admin:enforcement_restriction_change", args=[appeal.restriction_id])
            )
        return action_form_page(
            request,
            self,
            [appeal],
            action="decide_appeal",
            form=form,
            title=gettext("Decide the appeal"),
            intro=appeal.grounds,
            submit=gettext("Record the decision"),
        )

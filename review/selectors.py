"""Reads for the research office: the queue of its institution's filings (filtered, searched,
sorted, with open-flag counts in the same query), one application's review page, the
dashboard's figures and the approved-outside-posts snapshots.

Everything starts from funding.selectors.applications_for_user, so an office only ever
sees its own institution's applications.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, TruncMonth
from django.utils import timezone

from audit.selectors import audit_events_for
from checks.models import Evidence, Flag, Snapshot
from checks.presentation import present_flags
from checks.rules import RULES
from disclosures.models import Contract, DeclarationVersion
from disclosures.selectors import versions_of
from funding.models import Application, Programme
from funding.selectors import applications_for_user

from .presentation import present_audit

PAGE_SIZE = 25
SNAPSHOT_ROWS_PAGE_SIZE = 50
DEADLINE_WEEKS = 8
TREND_MONTHS = 12

# Sort keys offered by the queue; each ends with the primary key so pages are stable.
SORTS = {
    "deadline": ("programme__closes_on", "-open_flags", "pk"),
    "-deadline": ("-programme__closes_on", "-open_flags", "-pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "researcher": (
        "researcher__researcher_profile__family_name_latin",
        "researcher__researcher_profile__given_name_latin",
        "pk",
    ),
    "-researcher": (
        "-researcher__researcher_profile__family_name_latin",
        "-researcher__researcher_profile__given_name_latin",
        "-pk",
    ),
    "flags": ("open_flags", "programme__closes_on", "pk"),
    "-flags": ("-open_flags", "programme__closes_on", "pk"),
}
DEFAULT_SORT = "deadline"


@dataclass
class QueueFilters:
    q: str = ""
    programme: Programme | None = None
    status: str = ""
    deadline_after: datetime.date | None = None
    deadline_before: datetime.date | None = None
    open_flags: str = ""  # "", "yes" or "no"
    sort: str = DEFAULT_SORT

    @classmethod
    def from_cleaned_data(cls, data: dict) -> QueueFilters:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names and v not in (None, "")})


def office_applications(user) -> QuerySet[Application]:
    """The applications (with a declaration) of the office's institution."""
    return applications_for_user(user).filter(declaration__isnull=False)


def office_programmes(user) -> QuerySet[Programme]:
    """Programmes the institution's researchers applied to: the queue's programme filter."""
    return (
        Programme.objects.filter(pk__in=office_applications(user).values("programme_id"))
        .select_related("agency")
        .order_by("-closes_on", "title")
    )


def _open_flags(application_ref="pk"):
    return Flag.objects.filter(application=OuterRef(application_ref), status=Flag.Status.OPEN)


def _kana_variants(text: str) -> set[str]:
    """The text as typed, in hiragana and in katakana: a name stored in either script is
    found whichever the office types."""
    hiragana = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)
    katakana = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)
    return {text, hiragana, katakana}


_NAME_FIELDS = tuple(
    f"researcher__researcher_profile__{name}"
    for name in (
        "family_name_latin",
        "given_name_latin",
        "family_name_kanji",
        "given_name_kanji",
        "family_name_kana",
        "given_name_kana",
    )
)


def search(queryset: QuerySet[Application], text: str) -> QuerySet[Application]:
    """Researcher name in Latin script, kanji or kana (either kana script, full- or
    half-width, with or without the space between family and given name), or researcher
    number. Every word typed must match."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return queryset
    profile = "researcher__researcher_profile__"
    queryset = queryset.alias(
        _kanji_full=Concat(f"{profile}family_name_kanji", f"{profile}given_name_kanji"),
        _kana_full=Concat(f"{profile}family_name_kana", f"{profile}given_name_kana"),
    )
    for term in text.split():
        condition = Q(**{f"{profile}researcher_number__startswith": term})
        for variant in _kana_variants(term):
            for name in _NAME_FIELDS:
                condition |= Q(**{f"{name}__icontains": variant})
            condition |= Q(_kanji_full__icontains=variant) | Q(_kana_full__icontains=variant)
        queryset = queryset.filter(condition)
    return queryset


def apply_filters(queryset: QuerySet[Application], filters: QueueFilters) -> QuerySet[Application]:
    if filters.programme is not None:
        queryset = queryset.filter(programme=filters.programme)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.deadline_after:
        queryset = queryset.filter(programme__closes_on__gte=filters.deadline_after)
    if filters.deadline_before:
        queryset = queryset.filter(programme__closes_on__lte=filters.deadline_before)
    if filters.open_flags == "yes":
        queryset = queryset.filter(Exists(_open_flags()))
    elif filters.open_flags == "no":
        queryset = queryset.filter(~Exists(_open_flags()))
    return search(queryset, filters.q)


def with_queue_columns(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The queue's computed columns, as subqueries of the one SELECT: open flags, the
    latest version's number and status, and when the last certification was."""
    versions = DeclarationVersion.objects.filter(declaration__application=OuterRef("pk"))
    latest = versions.order_by("-number")
    open_count = _open_flags().order_by().values("application").annotate(n=Count("pk")).values("n")
    last_certified = (
        versions.certified()
        .order_by()
        .values("declaration")
        .annotate(last=Max("certified_at"))
        .values("last")
    )
    return queryset.annotate(
        open_flags=Coalesce(Subquery(open_count, output_field=IntegerField()), Value(0)),
        latest_number=Subquery(latest.values("number")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        last_certified_at=Subquery(last_certified),
    )


def office_queue(user, filters: QueueFilters) -> QuerySet[Application]:
    queryset = with_queue_columns(apply_filters(office_applications(user), filters))
    return queryset.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


# --- one application ------------------------------------------------------------------


def _flag_order():
    status = Case(
        When(status=Flag.Status.OPEN, then=Value(0)),
        When(status=Flag.Status.CONFIRMED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    severity = Case(
        When(severity=Flag.Severity.HIGH, then=Value(0)),
        When(severity=Flag.Severity.MEDIUM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return status, severity


@dataclass
class ReviewData:
    application: Application
    versions: list[DeclarationVersion]
    shown: DeclarationVersion  # the latest certified version, else the draft
    draft: DeclarationVersion | None
    flags: list = field(default_factory=list)
    open_flag_count: int = 0
    contracts: list[Contract] = field(default_factory=list)
    comments: list = field(default_factory=list)
    audit_events: list = field(default_factory=list)

    @property
    def latest_certified(self) -> DeclarationVersion | None:
        certified = [v for v in self.versions if v.is_certified]
        return certified[-1] if certified else None

    @property
    def version_rows(self) -> list[tuple[DeclarationVersion, int | None]]:
        """Each version with the number of the one before it (to compare with)."""
        numbers = [None, *(v.number for v in self.versions)]
        return list(zip(self.versions, numbers, strict=False))

    @property
    def can_endorse(self) -> bool:
        return self.application.status == Application.Status.SUBMITTED and self.draft is None

    @property
    def can_request_changes(self) -> bool:
        return self.application.status in (
            Application.Status.SUBMITTED,
            Application.Status.ENDORSED,
        )


def review_data(user, application: Application) -> ReviewData:
    """What the review page shows of one application the office may see."""
    versions = list(versions_of(application))
    certified = [v for v in versions if v.is_certified]
    draft = next((v for v in versions if v.is_draft), None)
    shown = certified[-1] if certified else versions[-1]
    status_order, severity_order = _flag_order()
    flags = list(
        application.flags.select_related("version").order_by(
            status_order, severity_order, "rule", "subject"
        )
    )
    return ReviewData(
        application=application,
        versions=versions,
        shown=shown,
        draft=draft,
        flags=present_flags(flags),
        open_flag_count=sum(1 for f in flags if f.status == Flag.Status.OPEN),
        contracts=list(
            Contract.objects.filter(version=shown, document__isnull=False)
            .select_related("document")
            .order_by("position", "id")
        ),
        comments=list(
            application.review_comments.select_related("author", "version").order_by(
                "created_at", "pk"
            )
        ),
        audit_events=present_audit(
            audit_events_for(user)
            .filter(application=application)
            .select_related("actor")
            .order_by("-at", "-pk")
        ),
    )


# --- dashboard ------------------------------------------------------------------------


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def dashboard_figures(user, filters: QueueFilters, today: datetime.date | None = None) -> dict:
    """The dashboard's numbers for the office's (filtered) filings: a handful of grouped
    queries, whatever the number of filings."""
    today = today or timezone.localdate()
    applications = apply_filters(office_applications(user), filters).order_by()
    statuses = list(Application.Status)

    by_status = {
        row["status"]: row["n"] for row in applications.values("status").annotate(n=Count("pk"))
    }
    status_rows = [(status.label, by_status.get(status.value, 0)) for status in statuses]

    horizon = today + datetime.timedelta(weeks=DEADLINE_WEEKS)
    deadline_counts = (
        applications.filter(programme__closes_on__gte=today, programme__closes_on__lt=horizon)
        .values("programme__closes_on", "status")
        .annotate(n=Count("pk"))
    )
    weeks = []
    for index in range(DEADLINE_WEEKS):
        start = today + datetime.timedelta(weeks=index)
        weeks.append(
            {
                "start": start,
                "end": start + datetime.timedelta(days=6),
                "counts": dict.fromkeys((s.value for s in statuses), 0),
            }
        )
    for row in deadline_counts:
        week = (row["programme__closes_on"] - today).days // 7
        weeks[week]["counts"][row["status"]] += row["n"]
    for week in weeks:
        week["row"] = [week["counts"][s.value] for s in statuses]

    flag_counts = (
        Flag.objects.filter(status=Flag.Status.OPEN, application__in=applications.values("pk"))
        .values("rule")
        .annotate(n=Count("pk"))
        .order_by("-n", "rule")
    )
    flag_rows = [
        (str(RULES[row["rule"]].title) if row["rule"] in RULES else row["rule"], row["n"])
        for row in flag_counts
    ]

    months = _month_starts(today, TREND_MONTHS)
    start_of_first = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time()))
    trend = (
        DeclarationVersion.objects.certified()
        .filter(
            declaration__application__in=applications.values("pk"),
            certified_at__gte=start_of_first,
        )
        .annotate(month=TruncMonth("certified_at"))
        .order_by()
        .values("month")
        .annotate(
            first=Count("pk", filter=Q(number=1)), amended=Count("pk", filter=Q(number__gt=1))
        )
    )
    by_month = {}
    for row in trend:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        by_month[(month.year, month.month)] = (row["first"], row["amended"])
    trend_rows = [(m, *by_month.get((m.year, m.month), (0, 0))) for m in months]

    return {
        "statuses": statuses,
        "status_rows": status_rows,
        "total": sum(n for _label, n in status_rows),
        "submitted": by_status.get(Application.Status.SUBMITTED.value, 0),
        "deadline_weeks": weeks,
        "due_total": sum(sum(week["row"]) for week in weeks),
        "flag_rows": flag_rows,
        "open_flags_total": sum(n for _label, n in flag_rows),
        "trend_rows": trend_rows,
    }


# --- approved outside posts -----------------------------------------------------------


def outside_post_snapshots(user) -> QuerySet[Snapshot]:
    return (
        Snapshot.objects.filter(
            kind=Snapshot.Kind.OUTSIDE_POSTS, institution_id=user.institution_id
        )
        .select_related("loaded_by")
        .order_by("-loaded_at", "-pk")
    )


def outside_post_rows(snapshot: Snapshot) -> QuerySet[Evidence]:
    return snapshot.evidence.order_by("line", "pk")

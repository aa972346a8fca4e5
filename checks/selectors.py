"""Reads for the cross-checks."""

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery

from disclosures.models import DeclarationVersion

from .models import FilingCheck, Flag, Snapshot


def latest_certified_versions() -> QuerySet[DeclarationVersion]:
    """The latest certified version of every declaration: what each filing says now."""
    latest = (
        DeclarationVersion.objects.filter(
            declaration=OuterRef("declaration"), status=DeclarationVersion.Status.CERTIFIED
        )
        .values("declaration")
        .annotate(last=Max("number"))
        .values("last")
    )
    return DeclarationVersion.objects.certified().filter(number=Subquery(latest))


def unchecked_versions() -> QuerySet[DeclarationVersion]:
    """Latest certified versions whose check never ran (or was lost on the way)."""
    return latest_certified_versions().filter(
        ~Exists(FilingCheck.objects.filter(version=OuterRef("pk")))
    )


def current_list_snapshots() -> list[Snapshot]:
    """The newest snapshot of each restricted-entity list."""
    snapshots = []
    for kind in Snapshot.RESTRICTED_LISTS:
        snapshot = (
            Snapshot.objects.filter(kind=kind).order_by("-published_on", "-loaded_at").first()
        )
        if snapshot:
            snapshots.append(snapshot)
    return snapshots


def flags_visible_to(user) -> QuerySet[Flag]:
    """Flags of the applications a reviewer may see. Researchers see none of them."""
    from funding.models import Application
    from funding.permissions import application_scope

    if not user.is_authenticated or user.is_researcher:
        return Flag.objects.none()
    return Flag.objects.filter(
        application__in=Application.objects.filter(application_scope(user)).values("pk")
    )


def open_flag_counts(application_ids) -> dict[int, int]:
    rows = (
        Flag.objects.filter(application_id__in=application_ids, status=Flag.Status.OPEN)
        .values("application_id")
        .annotate(n=Count("id"))
    )
    return {row["application_id"]: row["n"] for row in rows}


def researchers_matching_evidence(snapshot: Snapshot) -> Q:
    """The researchers whose ORCID iD or researcher number appears in a snapshot."""
    orcids = snapshot.evidence.exclude(orcid="").values("orcid")
    numbers = snapshot.evidence.exclude(researcher_number="").values("researcher_number")
    return Q(researcher_profile__orcid__in=orcids) | Q(
        researcher_profile__researcher_number__in=numbers
    )

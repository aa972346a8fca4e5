"""Thin, re-runnable tasks: each loads what it needs by id and calls the engine."""

from celery import shared_task

from disclosures.models import DeclarationVersion

from .engine import check_missing_declarations, check_versions, snapshot_kinds_rules
from .models import CheckRun, Snapshot
from .selectors import latest_certified_versions, researchers_matching_evidence, unchecked_versions
from .services import check_run_chunk_done, checks_start


@shared_task(name="checks.check_filing")
def check_filing(*, version_id: int) -> None:
    """Check a newly certified filing, and the researcher's other filings with it (each is
    compared with the others)."""
    version = (
        DeclarationVersion.objects.certified()
        .filter(pk=version_id)
        .select_related("declaration__application")
        .first()
    )
    if version is None:
        return
    researcher_id = version.declaration.application.researcher_id
    ids = list(
        latest_certified_versions()
        .filter(declaration__application__researcher_id=researcher_id)
        .values_list("pk", flat=True)
    )
    check_versions(ids)
    check_missing_declarations([version.declaration.application_id])


@shared_task(name="checks.check_chunk")
def check_chunk(*, run_id: int, index: int, version_ids: list[int], rules: list[str]) -> None:
    if not CheckRun.objects.filter(pk=run_id).exists():
        return
    result = check_versions(version_ids, rules or None)
    check_run_chunk_done(run_id=run_id, index=index, filings=result["filings"])


@shared_task(name="checks.sweep")
def sweep() -> None:
    """Periodic: flag missing declarations and check every certified filing whose check
    never ran (for example because the broker was down when it was certified)."""
    check_missing_declarations()
    ids = list(unchecked_versions().values_list("pk", flat=True))
    if ids:
        checks_start(version_ids=ids, rules=[], scope="sweep")


@shared_task(name="checks.rescreen_snapshot")
def rescreen_snapshot(*, snapshot_id: int) -> None:
    """A new list or evidence snapshot: re-run the rules it can change where it matters."""
    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return
    rules = snapshot_kinds_rules(snapshot.kind)
    if not rules:
        return
    versions = latest_certified_versions()
    if snapshot.kind in Snapshot.EVIDENCE:
        from accounts.models import User

        researchers = User.objects.filter(researchers_matching_evidence(snapshot))
        versions = versions.filter(declaration__application__researcher__in=researchers)
    checks_start(
        version_ids=list(versions.values_list("pk", flat=True)),
        rules=rules,
        scope=f"{snapshot.get_kind_display()} {snapshot.published_on}",
    )

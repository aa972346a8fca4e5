"""Every write of the cross-checks: flags, their status, check records and runs."""

import json
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import ServiceError

from .models import CheckRun, CheckRunChunk, FilingCheck, Flag
from .rules import RULES, Finding

try:  # a much faster JSON parser, installed with rigour; the standard one otherwise
    from orjson import loads as _json_loads
except ImportError:  # pragma: no cover
    from json import loads as _json_loads

# The transitions a flag may make. Resolved is the machine's word for "its cause is gone";
# people dismiss or confirm.
TRANSITIONS = {
    Flag.Status.OPEN: {Flag.Status.DISMISSED, Flag.Status.CONFIRMED, Flag.Status.RESOLVED},
    Flag.Status.RESOLVED: {Flag.Status.OPEN},
    Flag.Status.DISMISSED: {Flag.Status.OPEN},
    Flag.Status.CONFIRMED: set(),
}


def flags_set_status(*, flags, status: str, by=None, reason: str = "") -> int:
    """The one place that changes flags' status (one flag or many at once), with an audit
    event per flag.

    Only allowed transitions happen; a flag already elsewhere is left alone. Returns how
    many flags changed. Dismissing needs a reason.
    """
    from audit.services import audit_record_many

    if status == Flag.Status.DISMISSED and not reason.strip():
        raise ServiceError(_("Give the reason for dismissing the flag."))
    allowed_from = [old for old, targets in TRANSITIONS.items() if status in targets]
    ids = [f.pk for f in flags] if isinstance(flags, list) else flags.values("pk")
    changing = list(
        Flag.objects.filter(pk__in=ids, status__in=allowed_from).select_related(
            "application__programme__agency", "application__institution"
        )
    )
    if not changing:
        return 0
    changed = Flag.objects.filter(pk__in=[f.pk for f in changing], status__in=allowed_from).update(
        status=status,
        status_reason=reason,
        status_changed_by=by,
        status_changed_at=timezone.now(),
    )
    for before_status in {f.status for f in changing}:
        audit_record_many(
            actor=by,
            action="flag.status",
            objects=[f for f in changing if f.status == before_status],
            before={"status": before_status},
            after={"status": status, "reason": reason},
            application_of=lambda flag: flag.application,
        )
    return changed


@transaction.atomic
def flags_sync(*, results: list[tuple[int, int | None, str, list[Finding]]]) -> dict:
    """Make the stored flags agree with the rules' latest findings.

    ``results`` holds (application id, version id or None, rule code, findings) for every
    rule evaluated. A finding without a flag creates one; a flag found again is refreshed
    (and re-opened if it had been resolved); an open flag not found again is resolved, not
    deleted. Dismissed and confirmed flags keep the decision a person made. Running it twice
    with the same results changes nothing the second time.
    """
    now = timezone.now()
    # Which rule ran on which version (or, version-less, on which application): the stored
    # flags are found through the version and application indexes, and picked out here.
    evaluated, version_ids, application_ids = set(), set(), set()
    for application_id, version_id, rule, _findings in results:
        if version_id is None:
            application_ids.add(application_id)
            evaluated.add((rule, ("application", application_id)))
        else:
            version_ids.add(version_id)
            evaluated.add((rule, version_id))
    scope = Q(version_id__in=sorted(version_ids)) | Q(
        version__isnull=True, application_id__in=sorted(application_ids)
    )
    rows = (
        Flag.objects.filter(scope)
        .order_by()
        .values_list(
            "pk",
            "rule",
            "application_id",
            "version_id",
            "subject",
            "status",
            "score",
            Cast("params", TextField()),
            Cast("evidence", TextField()),
        )
    )
    # Plain values, the JSON as text: a re-run mostly finds every flag as it was.
    existing = {
        (rule, application_id, version_id, subject): _StoredFlag(
            pk, status, score, params, evidence
        )
        for pk, rule, application_id, version_id, subject, status, score, params, evidence in rows
        if (rule, ("application", application_id) if version_id is None else version_id)
        in evaluated
    }
    to_create, to_update, to_touch, to_reopen, seen = [], [], [], [], set()
    for application_id, version_id, rule, findings in results:
        for finding in findings:
            key = (rule, application_id, version_id, finding.subject)
            seen.add(key)
            stored = existing.get(key)
            if stored is None:
                to_create.append(
                    Flag(
                        rule=rule,
                        severity=RULES[rule].severity,
                        application_id=application_id,
                        version_id=version_id,
                        subject=finding.subject,
                        score=finding.score,
                        params=finding.params,
                        evidence=finding.evidence,
                        last_seen_at=now,
                    )
                )
                continue
            flag = Flag(
                pk=stored.pk,
                params=finding.params,
                evidence=finding.evidence,
                score=finding.score,
                last_seen_at=now,
            )
            # A flag found again as it was (the usual case on a re-run) only gets its
            # last_seen_at, in one UPDATE; only changed ones are rewritten in full.
            (to_update if stored.differs_from(finding) else to_touch).append(flag)
            if stored.status == Flag.Status.RESOLVED:
                to_reopen.append(flag)
    # ignore_conflicts: a concurrent run may have created the same flag a moment ago.
    Flag.objects.bulk_create(to_create, ignore_conflicts=True, batch_size=1000)
    Flag.objects.bulk_update(
        to_update, ["params", "evidence", "score", "last_seen_at"], batch_size=1000
    )
    if to_touch:
        Flag.objects.filter(pk__in=[f.pk for f in to_touch]).update(last_seen_at=now)
    gone = [f for key, f in existing.items() if key not in seen and f.status == Flag.Status.OPEN]
    resolved = (
        flags_set_status(
            flags=gone, status=Flag.Status.RESOLVED, reason="The cause is no longer found."
        )
        if gone
        else 0
    )
    reopened = flags_set_status(flags=to_reopen, status=Flag.Status.OPEN) if to_reopen else 0
    return {"created": len(to_create), "resolved": resolved, "reopened": reopened}


@dataclass(frozen=True, slots=True)
class _StoredFlag:
    pk: int
    status: str
    score: float | None
    params: str  # JSON text, as the database returns it
    evidence: str

    def differs_from(self, finding: Finding) -> bool:
        """Whether the finding would change the stored params, evidence or score (compared
        as JSON values: the database's text has its own spacing and key order)."""
        return (
            self.score != finding.score
            or _json_loads(self.params) != _as_json(finding.params)
            or _json_loads(self.evidence) != _as_json(finding.evidence)
        )


def _as_json(value):
    """The value as it reads back from JSON (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value))


def flags_resolve_superseded(*, version_ids: list[int]) -> int:
    """Resolve the open flags of older versions of these versions' declarations: an
    amendment replaced what they were about."""
    from disclosures.models import DeclarationVersion

    newest = dict(
        DeclarationVersion.objects.filter(pk__in=version_ids)
        .values_list("declaration_id")
        .annotate(number=Max("number"))
    )
    older = [
        pk
        for pk, declaration_id, number in DeclarationVersion.objects.filter(
            declaration_id__in=list(newest)
        ).values_list("pk", "declaration_id", "number")
        if number < newest[declaration_id]
    ]
    # By version (its index), the status read here: few flags, and the status index would
    # be a poor way in.
    stale = [
        pk
        for pk, status in Flag.objects.filter(version_id__in=older).values_list("pk", "status")
        if status == Flag.Status.OPEN
    ]
    if not stale:
        return 0  # on a re-run, already resolved
    return flags_set_status(
        flags=Flag.objects.filter(pk__in=stale),
        status=Flag.Status.RESOLVED,
        reason="Superseded by a later version.",
    )


def filing_checks_record(*, version_ids: list[int]) -> None:
    now = timezone.now()
    FilingCheck.objects.bulk_create(
        [FilingCheck(version_id=pk, checked_at=now) for pk in version_ids],
        update_conflicts=True,
        unique_fields=["version"],
        update_fields=["checked_at"],
    )


CHUNK_SIZE = 500


@transaction.atomic
def checks_start(
    *, version_ids: list[int], rules: list[str], scope: str, user=None, chunk_size: int = CHUNK_SIZE
) -> CheckRun:
    """Start a run over these versions, split into chunks that workers take in parallel.

    After: a CheckRun whose progress (filings checked of total) rises as chunks finish;
    the chunk tasks are queued once this transaction commits.
    """
    from disclosures.models import DeclarationVersion
    from portal.queue import enqueue_on_commit

    from .tasks import check_chunk

    version_ids = sorted(set(version_ids))
    # Each researcher's filings side by side, so that they mostly share a chunk: the engine
    # compares a researcher's filings with one another and then loads each only once.
    researcher_of = dict(
        DeclarationVersion.objects.filter(pk__in=version_ids).values_list(
            "pk", "declaration__application__researcher_id"
        )
    )
    version_ids.sort(key=lambda pk: (researcher_of.get(pk, 0), pk))
    chunks = [version_ids[i : i + chunk_size] for i in range(0, len(version_ids), chunk_size)]
    run = CheckRun.objects.create(
        scope=scope[:300],
        rules=rules,
        total=len(version_ids),
        chunks_total=len(chunks),
        started_by=user,
        status=CheckRun.Status.RUNNING if chunks else CheckRun.Status.FINISHED,
        finished_at=None if chunks else timezone.now(),
    )
    for index, ids in enumerate(chunks):
        enqueue_on_commit(check_chunk, run_id=run.pk, index=index, version_ids=ids, rules=rules)
    return run


@transaction.atomic
def check_run_chunk_done(*, run_id: int, index: int, filings: int) -> None:
    """Count a finished chunk once (a re-delivered task does not count twice); the last
    one closes the run. Atomic increments, so chunks finishing together all count."""
    _chunk, created = CheckRunChunk.objects.get_or_create(
        run_id=run_id, index=index, defaults={"filings": filings}
    )
    if not created:
        return
    CheckRun.objects.filter(pk=run_id).update(
        done=F("done") + filings, chunks_done=F("chunks_done") + 1
    )
    CheckRun.objects.filter(
        pk=run_id, status=CheckRun.Status.RUNNING, chunks_done__gte=F("chunks_total")
    ).update(status=CheckRun.Status.FINISHED, finished_at=timezone.now())

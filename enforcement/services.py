"""Cases, findings, restrictions and appeals: every write, each with its audit event."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from portal.exceptions import ServiceError

from .models import Appeal, Case, Finding, Restriction


def _require_officer(user, agency) -> None:
    if not (user.is_administrator or (user.is_agency_officer and user.agency_id == agency.pk)):
        raise ServiceError(_("Only an officer of %(agency)s may do this.") % {"agency": agency})


@transaction.atomic
def case_open(*, researcher, agency, title: str, by, flags=(), notes: str = "") -> Case:
    _require_officer(by, agency)
    case = Case.objects.create(
        researcher=researcher, agency=agency, title=title, notes=notes, opened_by=by
    )
    if flags:
        case.flags.set(flags)
    audit_record(
        actor=by,
        action="case.open",
        obj=case,
        before={},
        after={"status": case.status, "flags": [f.pk for f in flags]},
        agency=agency,
    )
    return case


@transaction.atomic
def case_close(*, case: Case, by) -> Case:
    _require_officer(by, case.agency)
    if Case.objects.filter(pk=case.pk, status=Case.Status.OPEN).update(status=Case.Status.CLOSED):
        audit_record(
            actor=by,
            action="case.status",
            obj=case,
            before={"status": "open"},
            after={"status": "closed"},
            agency=case.agency,
        )
    case.refresh_from_db()
    return case


@transaction.atomic
def finding_record(*, case: Case, kind: str, basis: str, by) -> Finding:
    """Record a finding on a case. A false or missing report confirms the case's open flags;
    an unfounded one dismisses them, with the basis as the reason."""
    from checks.models import Flag
    from checks.services import flags_set_status

    _require_officer(by, case.agency)
    if case.status != Case.Status.OPEN:
        raise ServiceError(_("This case is closed; open a new case to record a finding."))
    if not basis.strip():
        raise ServiceError(_("A finding needs its basis."))
    finding = Finding.objects.create(case=case, kind=kind, basis=basis, recorded_by=by)
    audit_record(
        actor=by,
        action="finding.record",
        obj=finding,
        before={},
        after={"kind": kind, "basis": basis},
        agency=case.agency,
    )
    open_flags = list(case.flags.filter(status=Flag.Status.OPEN))
    if open_flags:
        status = Flag.Status.DISMISSED if kind == Finding.Kind.UNFOUNDED else Flag.Status.CONFIRMED
        flags_set_status(flags=open_flags, status=status, by=by, reason=basis)
    return finding


def _in_flight(restriction: Restriction):
    """The researcher's applications within the restriction's scope whose funding period is
    not over when it starts."""
    from funding.models import Application

    applications = Application.objects.filter(
        researcher=restriction.researcher, end_date__gte=restriction.starts_on
    )
    if restriction.scope == Restriction.Scope.THIS_AGENCY:
        applications = applications.filter(programme__agency=restriction.agency)
    return applications


@transaction.atomic
def restriction_impose(
    *,
    researcher,
    agency,
    scope: str,
    starts_on,
    ends_on,
    reason: str,
    by,
    finding=None,
) -> Restriction:
    """Bar a researcher from applying for or receiving funds for a period. Before: a
    reason, a period in order. After: the restriction is in the shared registry; the
    researcher's applications in flight within its scope are held for the officer (they see
    them in the admin); the researcher is notified."""
    from notifications.services import notify

    _require_officer(by, agency)
    if ends_on < starts_on:
        raise ServiceError(_("The restriction must end on or after its first day."))
    if not reason.strip():
        raise ServiceError(_("A restriction needs its reason."))
    restriction = Restriction.objects.create(
        researcher=researcher,
        agency=agency,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        finding=finding,
        imposed_by=by,
    )
    held = _in_flight(restriction)
    held_ids = list(held.values_list("pk", flat=True))
    held.update(held_by_restriction=restriction)
    audit_record(
        actor=by,
        action="restriction.impose",
        obj=restriction,
        before={},
        after={
            "scope": scope,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "held_applications": held_ids,
        },
        agency=agency,
    )
    notify(
        recipients=[researcher],
        kind="restriction_imposed",
        key=f"restriction_imposed:{restriction.pk}",
        context={"restriction": restriction},
    )
    return restriction


@transaction.atomic
def restriction_lift(*, restriction: Restriction, by, reason: str) -> Restriction:
    from notifications.services import notify

    _require_officer(by, restriction.agency)
    if not reason.strip():
        raise ServiceError(_("Give the reason for lifting the restriction."))
    lifted = Restriction.objects.filter(pk=restriction.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=by, lift_reason=reason
    )
    if not lifted:
        raise ServiceError(_("This restriction has already been lifted."))
    restriction.refresh_from_db()
    restriction.held_applications.update(held_by_restriction=None)
    audit_record(
        actor=by,
        action="restriction.lift",
        obj=restriction,
        before={"lifted": False},
        after={"lifted": True, "reason": reason},
        agency=restriction.agency,
    )
    notify(
        recipients=[restriction.researcher],
        kind="restriction_lifted",
        key=f"restriction_lifted:{restriction.pk}",
        context={"restriction": restriction},
    )
    return restriction


@transaction.atomic
def appeal_file(*, restriction: Restriction, filed_on, grounds: str, by) -> Appeal:
    _require_officer(by, restriction.agency)
    if not grounds.strip():
        raise ServiceError(_("An appeal needs its grounds."))
    appeal = Appeal.objects.create(restriction=restriction, filed_on=filed_on, grounds=grounds)
    audit_record(
        actor=by,
        action="appeal.file",
        obj=appeal,
        before={},
        after={"outcome": appeal.outcome},
        agency=restriction.agency,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, outcome: str, notes: str, by) -> Appeal:
    """Decide an appeal; an overturned restriction is lifted at once."""
    restriction = appeal.restriction
    _require_officer(by, restriction.agency)
    if outcome == Appeal.Outcome.PENDING:
        raise ServiceError(_("Choose the outcome of the appeal."))
    decided = Appeal.objects.filter(pk=appeal.pk, outcome=Appeal.Outcome.PENDING).update(
        outcome=outcome, decided_on=timezone.localdate(), decided_by=by, decision_notes=notes
    )
    if not decided:
        raise ServiceError(_("This appeal has already been decided."))
    appeal.refresh_from_db()
    audit_record(
        actor=by,
        action="appeal.decide",
        obj=appeal,
        before={"outcome": "pending"},
        after={"outcome": outcome, "notes": notes},
        agency=restriction.agency,
    )
    if outcome == Appeal.Outcome.OVERTURNED and restriction.lifted_at is None:
        restriction_lift(
            restriction=restriction,
            by=by,
            reason=_("Overturned on appeal: %(notes)s") % {"notes": notes},
        )
    return appeal

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.exceptions import ServiceError

from .models import Application, Programme, ReviewComment


def application_set_status(*, application: Application, status: str, by=None) -> Application:
    """The one place that changes an application's status; writes the audit event."""
    from audit.services import audit_record

    before = application.status
    Application.objects.filter(pk=application.pk).update(status=status, updated_at=timezone.now())
    application.status = status
    if before != status:
        audit_record(
            actor=by,
            action="application.status",
            obj=application,
            before={"status": before},
            after={"status": status},
            application=application,
        )
    return application


def ensure_not_restricted(researcher, programme) -> None:
    """Refuse when a restriction in force covers this programme (shared across agencies)."""
    from enforcement.selectors import restriction_barring

    restriction = restriction_barring(researcher=researcher, programme=programme)
    if restriction is not None:
        raise ServiceError(
            _(
                "You may not apply to programmes of %(agency)s from %(start)s to %(end)s: your "
                "eligibility is restricted (%(scope)s). Contact the agency for details."
            )
            % {
                "agency": programme.agency.name,
                "start": date_format(restriction.starts_on, "DATE_FORMAT"),
                "end": date_format(restriction.ends_on, "DATE_FORMAT"),
                "scope": restriction.get_scope_display(),
            }
        )


@transaction.atomic
def review_comment_add(
    *, application: Application, author, body: str, kind: str = ReviewComment.Kind.COMMENT
) -> ReviewComment:
    from audit.services import audit_record
    from disclosures.selectors import latest_version_of

    comment = ReviewComment.objects.create(
        application=application,
        version=latest_version_of(application),
        author=author,
        kind=kind,
        body=body,
    )
    audit_record(
        actor=author,
        action=f"review.{kind}",
        obj=comment,
        before={},
        after={"kind": kind, "body": body},
        application=application,
    )
    return comment


@transaction.atomic
def application_request_changes(*, application: Application, by, body: str) -> ReviewComment:
    """The research office asks the researcher to amend. Before: submitted (certified) or
    endorsed. After: changes requested, the researcher notified with the comment."""
    from notifications.services import notify

    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (Application.Status.SUBMITTED, Application.Status.ENDORSED):
        raise ServiceError(_("Only a submitted application can be sent back for changes."))
    if not body.strip():
        raise ServiceError(_("Say what should change."))
    comment = review_comment_add(
        application=application, author=by, body=body, kind=ReviewComment.Kind.CHANGE_REQUEST
    )
    application_set_status(
        application=application, status=Application.Status.CHANGES_REQUESTED, by=by
    )
    notify(
        recipients=[application.researcher],
        kind="changes_requested",
        key=f"changes_requested:{comment.pk}",
        context={"application": application, "comment": comment},
    )
    return comment


@transaction.atomic
def application_endorse(*, application: Application, by, body: str = "") -> ReviewComment:
    """The research office endorses the certified declaration to the agency. Before:
    submitted, latest version certified. After: endorsed, the researcher notified."""
    from disclosures.selectors import draft_of
    from notifications.services import notify

    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED or draft_of(application):
        raise ServiceError(
            _("Only a submitted application with a certified declaration can be endorsed.")
        )
    comment = review_comment_add(
        application=application, author=by, body=body, kind=ReviewComment.Kind.ENDORSEMENT
    )
    application_set_status(application=application, status=Application.Status.ENDORSED, by=by)
    notify(
        recipients=[application.researcher],
        kind="endorsed",
        key=f"endorsed:{comment.pk}",
        context={"application": application, "comment": comment},
    )
    return comment


def applications_bulk_endorse(*, applications, by) -> tuple[list[Application], list[Application]]:
    """Endorse every clean filing (submitted, no open flag); return (endorsed, skipped)."""
    from checks.selectors import open_flag_counts

    applications = list(applications)
    open_flags = open_flag_counts([a.pk for a in applications])
    endorsed, skipped = [], []
    for application in applications:
        clean = not open_flags.get(application.pk)
        if clean and application.status == Application.Status.SUBMITTED:
            try:
                application_endorse(application=application, by=by)
            except ServiceError:
                skipped.append(application)
                continue
            endorsed.append(application)
        else:
            skipped.append(application)
    return endorsed, skipped


@transaction.atomic
def application_start(
    *,
    researcher,
    programme: Programme,
    title: str,
    objectives: str,
    start_date: date,
    end_date: date,
    requested_amount: Decimal,
    currency: str,
    effort_percent: Decimal,
) -> Application:
    """Start an application to an open programme, with a draft declaration (version 1)
    prefilled from the researcher's last certified declaration, if any.

    Before: ``researcher`` has a profile with a primary affiliation; the programme is open.
    After: an Application in draft, its Declaration and one draft DeclarationVersion.
    """
    from disclosures.services import declaration_start

    if not programme.is_open():
        raise ServiceError(_("This programme is not open for applications."))
    ensure_not_restricted(researcher, programme)
    profile = getattr(researcher, "researcher_profile", None)
    affiliation = profile.primary_affiliation if profile else None
    if affiliation is None:
        raise ServiceError(_("Complete your profile, with a primary affiliation, before applying."))
    application = Application.objects.create(
        researcher=researcher,
        programme=programme,
        institution=affiliation.institution,
        title=title,
        objectives=objectives,
        start_date=start_date,
        end_date=end_date,
        requested_amount=requested_amount,
        currency=currency,
        effort_percent=effort_percent,
    )
    declaration_start(application=application)
    return application

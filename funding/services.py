from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import ServiceError

from .models import Application, Programme


def application_set_status(*, application: Application, status: str) -> Application:
    """The one place that changes an application's status."""
    Application.objects.filter(pk=application.pk).update(status=status, updated_at=timezone.now())
    application.status = status
    return application


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

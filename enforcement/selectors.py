from .models import Restriction


def restriction_barring(*, researcher, programme, on=None) -> Restriction | None:
    """The restriction in force that bars ``researcher`` from ``programme``, if any."""
    return (
        Restriction.objects.in_force(on)
        .covering(programme.agency)
        .filter(researcher=researcher)
        .order_by("-ends_on")
        .first()
    )


def restrictions_visible_to(user):
    """The shared registry: every agency sees every restriction; so do administrators."""
    if user.is_authenticated and (user.is_agency_officer or user.is_administrator):
        return Restriction.objects.select_related("researcher", "agency", "finding")
    return Restriction.objects.none()

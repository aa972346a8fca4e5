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

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.iso7064 import mod_11_2

ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
RESEARCHER_NUMBER_RE = re.compile(r"^\d{8}$")


def normalise_orcid(value: str) -> str:
    """Accept '0000-0002-1825-0097', the https://orcid.org/ form or 16 bare characters."""
    value = (value or "").strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/", "ORCID.ORG/"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    bare = value.replace("-", "").replace(" ", "")
    if len(bare) == 16:
        return "-".join(bare[i : i + 4] for i in range(0, 16, 4))
    return value


def validate_orcid(value: str) -> None:
    """An ORCID iD is four groups of four; the last character is an ISO 7064 11-2 check."""
    normal = normalise_orcid(value)
    if not ORCID_RE.match(normal):
        raise ValidationError(
            _("Enter an ORCID iD as 0000-0000-0000-0000 (the last character may be X)."),
            code="orcid_format",
        )
    if not mod_11_2.is_valid(normal.replace("-", "")):
        raise ValidationError(
            _("This ORCID iD's check digit is wrong; please copy it again from your ORCID record."),
            code="orcid_checksum",
        )


def validate_researcher_number(value: str) -> None:
    if not RESEARCHER_NUMBER_RE.match(value or ""):
        raise ValidationError(
            _("The researcher number has exactly 8 digits."), code="researcher_number"
        )

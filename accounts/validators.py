import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ROR_ID_RE = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")


def normalise_ror_id(value: str) -> str:
    """Accept a bare ROR id or its https://ror.org/ URL and return the bare id."""
    value = (value or "").strip()
    for prefix in ("https://ror.org/", "http://ror.org/", "ror.org/"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.lower()


def validate_ror_id(value: str) -> None:
    """ROR ids are 9 characters: '0', six Crockford base-32 characters and two digits."""
    if value and not ROR_ID_RE.match(normalise_ror_id(value)):
        raise ValidationError(
            _(
                "%(value)s is not a ROR identifier (for example 05dxps055 or https://ror.org/05dxps055)."
            ),
            params={"value": value},
            code="invalid_ror",
        )

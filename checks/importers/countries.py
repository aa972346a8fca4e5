"""Country names and codes as the lists write them, to ISO 3166-1 alpha-2."""

from __future__ import annotations

import functools
import re

import pycountry

# Spellings that pycountry does not know, as the US, Japanese and other lists use them.
SPELLINGS = {
    "UAE": "AE",
    "U.A.E.": "AE",
    "U.A.E": "AE",
    "RUSSIA": "RU",
    "TURKEY": "TR",
    "BURMA": "MM",
    "MACAU": "MO",
    "MACAO": "MO",
    "MACAU SAR": "MO",
    "HONG KONG SAR": "HK",
    "HONG KONG, CHINA": "HK",
    "KOREA, NORTH": "KP",
    "KOREA, SOUTH": "KR",
    "DPRK": "KP",
    "D.P.R.K.": "KP",
    "DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA": "KP",
    "REPUBLIC OF KOREA": "KR",
    "KOREA": "KR",
    "PALESTINE": "PS",
    "PALESTINIAN TERRITORIES": "PS",
    "WEST BANK": "PS",
    "GAZA": "PS",
    "CONGO, DEMOCRATIC REPUBLIC OF THE": "CD",
    "DEMOCRATIC REPUBLIC OF THE CONGO": "CD",
    "CONGO, REPUBLIC OF THE": "CG",
    "IVORY COAST": "CI",
    "CAPE VERDE": "CV",
    "SWAZILAND": "SZ",
    "THE NETHERLANDS": "NL",
    "THE GAMBIA": "GM",
    "THE BAHAMAS": "BS",
    "VATICAN CITY": "VA",
    "MAINLAND CHINA": "CN",
    "PEOPLE'S REPUBLIC OF CHINA": "CN",
    "PRC": "CN",
    "UK": "GB",
    "GREAT BRITAIN": "GB",
    "USA": "US",
    "U.S.A.": "US",
    "UNITED STATES OF AMERICA": "US",
}

_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=4096)
def country_code(value: str | None) -> str:
    """ISO alpha-2 code for a country name or an alpha-2/alpha-3 code; '' if unknown.

    Best effort: a name that is neither in pycountry nor in ``SPELLINGS`` gives ''.
    Numbers (postal codes) are never read as ISO numeric codes.
    """
    text = _SPACES.sub(" ", (value or "").strip().strip(".")).strip()
    if not text or any(ch.isdigit() for ch in text):
        return ""
    upper = text.upper()
    if upper in SPELLINGS:
        return SPELLINGS[upper]
    if len(upper) == 2:
        country = pycountry.countries.get(alpha_2=upper)
        return country.alpha_2 if country else ""
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    if upper.startswith("THE "):
        return country_code(text[4:])
    return ""

"""ISO 4217 currencies, from pycountry's copy of the standard."""

import pycountry

# Funds, precious metals and testing codes are not currencies anyone is paid in.
_NOT_MONEY = {
    "XAU",
    "XAG",
    "XPT",
    "XPD",
    "XTS",
    "XXX",
    "XBA",
    "XBB",
    "XBC",
    "XBD",
    "XDR",
    "XSU",
    "XUA",
}

CURRENCY_CHOICES = sorted(
    (c.alpha_3, f"{c.alpha_3} – {c.name}")
    for c in pycountry.currencies
    if c.alpha_3 not in _NOT_MONEY
)
CURRENCY_CODES = frozenset(code for code, _label in CURRENCY_CHOICES)

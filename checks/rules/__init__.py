"""The cross-check rules. Each is a small unit with a code, a severity, a plain-language
explanation and an ``evaluate`` over one filing's facts; see base.py."""

from . import (  # noqa: F401, E402  (importing registers each rule)
    contract_clauses,
    duplicate_funding,
    inconsistent_filings,
    missing_declaration,
    over_commitment,
    restricted_entity,
    undeclared_evidence,
)
from .base import RULES, Finding, Rule, rule_for  # noqa: F401

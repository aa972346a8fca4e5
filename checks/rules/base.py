"""What every rule shares: the facts it reads and the findings it returns.

A rule never reads the database: the engine gathers the facts for many filings at once
(so that a national year of filings is checked in bulk) and hands each rule one filing's
``CheckContext``. Rules compare what was declared with evidence about organisations,
money and positions; no rule may use a person's nationality, ethnicity, place of birth or
the script or origin of their name.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

RULES: dict[str, "Rule"] = {}


@dataclass(frozen=True)
class Finding:
    """One thing a rule found. ``subject`` identifies it within the filing, stably across
    re-runs, so the same finding always maps to the same flag."""

    subject: str
    params: dict
    evidence: list[dict]
    score: float | None = None


@dataclass
class Filing:
    """A certified declaration version with its application, as the rules see it. The
    content is the certified content dictionary (disclosures/content.py)."""

    version_id: int
    application_id: int
    researcher_id: int
    number: int
    certified_at: datetime.datetime
    content: dict
    #: The country of the institution the application was made through.
    home_country: str = ""
    #: What helpers derive from the content once per filing (row keys, names to screen).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def application(self) -> dict:
        return self.content["application"]

    @property
    def title(self) -> str:
        return self.application["title"]

    @property
    def objectives(self) -> str:
        return self.application["objectives"]

    # Read many times over (against every other filing of the researcher): parsed once.
    @cached_property
    def start(self) -> datetime.date:
        return datetime.date.fromisoformat(self.application["start_date"])

    @cached_property
    def end(self) -> datetime.date:
        return datetime.date.fromisoformat(self.application["end_date"])

    @property
    def effort(self) -> Decimal:
        return Decimal(self.application["effort_percent"])

    @property
    def programme_code(self) -> str:
        return self.content["programme"]["code"]

    @property
    def home_institution(self) -> str:
        affiliation = self.content["researcher"].get("affiliation") or {}
        return affiliation.get("institution") or self.content.get("institution", "")

    def items(self, section: str) -> list[dict]:
        return self.content["sections"].get(section, [])

    def row_keys(self, section: str) -> frozenset[str]:
        """The keys of a section's rows (a row's key follows it from filing to filing)."""
        memo_key = ("row_keys", section)
        keys = self.memo.get(memo_key)
        if keys is None:
            keys = self.memo[memo_key] = frozenset(i["key"] for i in self.items(section))
        return keys

    def reference(self) -> dict:
        """How a flag's evidence points at this filing."""
        return {
            "application_id": self.application_id,
            "version": self.number,
            "title": self.title,
            "programme": self.programme_code,
            "certified_at": self.certified_at.isoformat(),
        }


@dataclass
class EvidenceFact:
    id: int
    kind: str
    source: str  # snapshot kind
    snapshot_published_on: str
    organisation_name: str
    organisation_country: str
    title: str
    award_id: str
    doi: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    details: dict

    def as_evidence(self) -> dict:
        return {
            "type": "evidence",
            "evidence_id": self.id,
            "kind": self.kind,
            "source": self.source,
            "snapshot_published_on": self.snapshot_published_on,
            "organisation": self.organisation_name,
            "country": self.organisation_country,
            "title": self.title,
            "award_id": self.award_id,
            "doi": self.doi,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
        }


@dataclass
class CheckContext:
    filing: Filing
    other_filings: list[Filing] = field(default_factory=list)
    evidence: list[EvidenceFact] = field(default_factory=list)
    # organisation name as declared -> list of restricted-list matches (see restricted_entity)
    list_matches: dict[str, list[dict]] = field(default_factory=dict)
    # document sha256 -> text of each page
    contract_texts: dict[str, list[str]] = field(default_factory=dict)
    # the country of the institution the application was made through (ISO alpha-2)
    home_country: str = ""
    today: datetime.date = field(default_factory=datetime.date.today)


class Rule:
    code: str = ""
    severity: str = "medium"
    title: str = ""
    explanation: str = ""  # with %(name)s placeholders filled from a finding's params
    application_level = False

    def evaluate(self, context: CheckContext) -> list[Finding]:
        raise NotImplementedError

    def localise(self, params: dict) -> dict:
        """Params as shown: codes stored in a flag turned into words of the active language."""
        return params

    def explain(self, params: dict) -> str:
        """The explanation in the active language, filled from a finding's params."""
        try:
            return str(self.explanation) % self.localise(dict(params))
        except (KeyError, TypeError, ValueError):
            return str(self.explanation)


def register(rule_class: type[Rule]) -> type[Rule]:
    RULES[rule_class.code] = rule_class()
    return rule_class


def rule_for(code: str) -> Rule:
    return RULES[code]


def period_overlaps(start_a, end_a, start_b, end_b) -> bool:
    """Whether two periods share a day; a missing end means ongoing."""
    far = datetime.date.max
    return start_a <= (end_b or far) and start_b <= (end_a or far)


def as_date(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)

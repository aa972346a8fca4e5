"""Flags and their evidence as people read them, in the active language: the office's
review page and the officers' admin show the same labelled evidence."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Evidence, Flag, Snapshot
from .rules import RULES
from .rules.contract_clauses import CLAUSE_LABELS

EVIDENCE_TITLES = {
    "contract_passage": _("Passage in the uploaded contract"),
    "similar_application": _("A similar application"),
    "similar_support": _("Similar support declared"),
    "other_filing": _("Declared in another filing"),
    "deadline": _("The programme's deadline"),
    "declared_effort": _("Effort declared on other support"),
    "application_effort": _("Effort on this application"),
    "list_entry": _("Entry on a restricted-entity list"),
    "evidence": _("Public or institutional record"),
}
EVIDENCE_LABELS = {
    "clause": _("clause"),
    "page": _("page"),
    "passage": _("passage"),
    "document": _("document"),
    "document_sha256": _("document SHA-256"),
    "title_similarity": _("title similarity"),
    "shared_text": _("text shared"),
    "passages": _("shared passages"),
    "filing": _("filing"),
    "item": _("declared row"),
    "section": _("section"),
    "programme": _("programme"),
    "closes_on": _("deadline"),
    "days_overdue": _("days overdue"),
    "title": _("title"),
    "status": pgettext_lazy("current or pending", "status"),
    "organisation": _("organisation"),
    "organisation_name": _("organisation"),
    "organisation_country": _("country"),
    "effort_percent": _("effort (% of working time)"),
    "start_date": _("start date"),
    "end_date": _("end date"),
    "declared_name": _("name as declared"),
    "declared_country": _("country as declared"),
    "entity_name": _("listed entity"),
    "matched_name": _("name matched on the list"),
    "entity_country": _("country of the listed entity"),
    "programs": _("programmes or concerns of the list"),
    "list_kind": _("list"),
    "published_on": _("list published on"),
    "snapshot_sha256": _("list file SHA-256"),
    "score": _("match score"),
    "method": _("matching method"),
    "source_id": _("entry id in the list"),
    "kind": _("kind"),
    "source": _("source"),
    "snapshot_published_on": _("source published on"),
    "country": _("country"),
    "award_id": _("award id"),
    "award_number": _("award or proposal number"),
    "doi": _("DOI"),
    "application_id": _("application"),
    "version": _("version"),
    "certified_at": _("certified at"),
    "position_title": _("position or title"),
    "programme_name": _("programme"),
}
# Internal identifiers, not evidence.
EVIDENCE_HIDDEN = {"type", "key", "entity_id", "snapshot_id", "evidence_id", "country_matches"}
_DATE_KEYS = {"start_date", "end_date", "closes_on", "published_on", "snapshot_published_on"}


@dataclass
class Shown:
    """One labelled value: text, a list of texts, or nested labelled values."""

    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list["Shown"] = field(default_factory=list)


@dataclass
class EvidenceCard:
    title: str
    fields: list[Shown]


def _choice_label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _text(key: str, value) -> str:
    from disclosures.models import SECTIONS, Period

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if key == "section" and value in SECTIONS:
        return capfirst(str(SECTIONS[value][0]._meta.verbose_name_plural))
    if key == "clause":
        return str(CLAUSE_LABELS.get(value, value))
    if key in ("list_kind", "source"):
        return _choice_label(Snapshot.Kind, value)
    if key == "kind":
        return _choice_label(Evidence.Kind, value)
    if key == "status":
        return _choice_label(Period, value)
    if key.endswith("country") and isinstance(value, str):
        name = countries.name(value)
        return f"{name} ({value})" if name else value
    if key in _DATE_KEYS and isinstance(value, str) and parse_date(value):
        return date_format(parse_date(value), "DATE_FORMAT")
    if key == "certified_at" and isinstance(value, str) and parse_datetime(value):
        return date_format(timezone.localtime(parse_datetime(value)), "DATETIME_FORMAT")
    if key == "shared_text" and isinstance(value, int | float):
        return f"{number_format(value * 100, decimal_pos=0)} %"
    if key == "title_similarity" or key == "effort_percent":
        return f"{value} %"
    if key.endswith("sha256") and isinstance(value, str):
        return f"{value[:16]}…"
    return str(value)


def _shown(key: str, value) -> Shown:
    label = capfirst(str(EVIDENCE_LABELS.get(key, key.replace("_", " "))))
    if isinstance(value, dict):
        return Shown(
            label, rows=[_shown(k, v) for k, v in value.items() if k not in EVIDENCE_HIDDEN]
        )
    if isinstance(value, list):
        return Shown(label, items=[str(v) for v in value] or ["—"])
    return Shown(label, text=_text(key, value))


def present_evidence(flag: Flag) -> list[EvidenceCard]:
    cards = []
    for item in flag.evidence or []:
        if not isinstance(item, dict):
            cards.append(EvidenceCard(gettext("Evidence"), [Shown("", text=str(item))]))
            continue
        kind = item.get("type", "")
        title = EVIDENCE_TITLES.get(kind, capfirst(kind.replace("_", " ")) or gettext("Evidence"))
        shown = [_shown(k, v) for k, v in item.items() if k not in EVIDENCE_HIDDEN]
        cards.append(EvidenceCard(str(title), shown))
    return cards


@dataclass
class FlagView:
    flag: Flag
    title: str
    explanation: str
    evidence: list = field(default_factory=list)


def present_flags(flags) -> list[FlagView]:
    return [
        FlagView(
            flag=f,
            title=str(RULES[f.rule].title),
            explanation=RULES[f.rule].explain(f.params),
            evidence=present_evidence(f),
        )
        for f in flags
    ]


def present_screening(result: dict) -> dict:
    """A screening result for the page: each list also by its name, not only its code."""
    for item in result["lists"]:
        item["list_label"] = _choice_label(Snapshot.Kind, item["list"])
    for match in result["matches"]:
        match["list_label"] = _choice_label(Snapshot.Kind, match["list_kind"])
    return result

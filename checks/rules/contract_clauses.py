"""Clauses found in an uploaded contract's text that the declaration does not reflect."""

import re

import pycountry
from django.utils.translation import gettext_lazy as _

from .base import CheckContext, Finding, Rule, register

_FLAGS = re.IGNORECASE | re.DOTALL

CLAUSE_PATTERNS = {
    "secrecy_clause": [
        r"\bconfidential(?:ity)?\b",
        r"\bnon[- ]?disclosure\b",
        r"\bshall not (?:disclose|divulge|reveal)\b",
        r"秘密保持",
        r"守秘",
        r"機密",
    ],
    "ip_assignment_clause": [
        r"\bassign(?:s|ment)?\b[^.。]{0,80}\b(?:intellectual property|patents?|inventions?|"
        r"all right,? title and interest)",
        r"\b(?:intellectual property|inventions?|patents?)\b[^.。]{0,80}\b(?:shall (?:belong|vest)"
        r"|be owned by|become the (?:sole )?property)",
        r"知的財産[^。]{0,40}(?:帰属|譲渡)",
        r"特許を受ける権利[^。]{0,30}譲渡",
    ],
    "recruitment_clause": [
        r"\brecruit(?:s|ing|ment)?\b",
        r"\bintroduc(?:e|ing) (?:talent|researchers|scientists)",
        r"人材[^。]{0,20}(?:紹介|招へい|招聘|推薦)",
        r"招へい",
        r"招聘",
    ],
}
_GOVERNING_LAW_EN = re.compile(
    r"governed by(?: and construed in accordance with)? the laws? of (?:the )?"
    r"(?P<place>[A-Z][A-Za-z .'-]{2,60}?)(?:[,.;]|\s+(?:and|without)\b)",
)
_GOVERNING_LAW_JA = re.compile(
    r"(?P<place>[^\s。、「」]{2,20}?)(?:国)?法を準拠法|準拠法は(?P<place2>[^\s。、]{2,20}?)法"
)
_JA_PLACES = {
    "日本": "JP",
    "中華人民共和国": "CN",
    "中国": "CN",
    "アメリカ合衆国": "US",
    "米国": "US",
    "大韓民国": "KR",
    "韓国": "KR",
    "ロシア": "RU",
    "シンガポール": "SG",
}

CLAUSE_LABELS = {
    "secrecy_clause": _("a secrecy clause"),
    "ip_assignment_clause": _("an intellectual-property assignment clause"),
    "foreign_law_clause": _("a foreign governing-law clause"),
    "recruitment_clause": _("a recruitment clause"),
}


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("。", 0, start)) + 1
    right_candidates = [i for i in (text.find(".", end), text.find("。", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return " ".join(text[left:right].split())[:400]


def _country_of(place: str) -> str | None:
    place = place.strip()
    if place in _JA_PLACES:
        return _JA_PLACES[place]
    try:
        return pycountry.countries.lookup(place).alpha_2
    except LookupError:
        try:
            return pycountry.countries.search_fuzzy(place)[0].alpha_2
        except LookupError:
            return None


def find_clauses(pages: list[str], home_country: str) -> dict[str, tuple[int, str]]:
    """clause field -> (page number, passage) for each clause the text contains."""
    found = {}
    for number, text in enumerate(pages, start=1):
        for clause, patterns in CLAUSE_PATTERNS.items():
            if clause in found:
                continue
            for pattern in patterns:
                match = re.search(pattern, text, _FLAGS)
                if match:
                    found[clause] = (number, _sentence_around(text, match.start(), match.end()))
                    break
        if "foreign_law_clause" not in found:
            for regex in (_GOVERNING_LAW_EN, _GOVERNING_LAW_JA):
                for match in regex.finditer(text):
                    place = match.groupdict().get("place") or match.groupdict().get("place2")
                    country = _country_of(place or "")
                    if country and home_country and country != home_country:
                        found["foreign_law_clause"] = (
                            number,
                            _sentence_around(text, match.start(), match.end()),
                        )
                        break
    return found


@register
class ContractClauses(Rule):
    code = "contract_clauses"
    severity = "high"
    title = _("Contract red flags")
    explanation = _(
        "The contract “%(contract)s” with %(organisation)s contains %(clause)s (page %(page)s), "
        "but the declaration does not tick it."
    )

    def localise(self, params: dict) -> dict:
        params["clause"] = CLAUSE_LABELS.get(params["clause"], params["clause"])
        return params

    def evaluate(self, context: CheckContext) -> list[Finding]:
        findings = []
        for item in context.filing.items("contracts"):
            document = item.get("document")
            pages = context.contract_texts.get(document["sha256"]) if document else None
            if not pages:
                continue
            for clause, (page, passage) in find_clauses(pages, context.home_country).items():
                if item.get(clause):
                    continue
                findings.append(
                    Finding(
                        subject=f"contract:{item['key']}:{clause}",
                        params={
                            "contract": item["title"],
                            "organisation": item["organisation_name"],
                            "clause": clause,
                            "page": page,
                        },
                        evidence=[
                            {
                                "type": "contract_passage",
                                "clause": clause,
                                "page": page,
                                "passage": passage,
                                "document": document["name"],
                                "document_sha256": document["sha256"],
                            }
                        ],
                    )
                )
        return findings

"""Generate a synthetic national year of filings for the cross-check benchmark.

    .venv/bin/python bench/generate.py --applications 100000 --out bench/out/

Writes JSON Lines files (one table or one application a line) and ``meta.json`` into
``--out``; ``bench/run.py`` loads them into PostgreSQL and runs the checks. Everything comes
from one seeded RNG, so the same arguments give the same files. No database, no Django.

What a year holds at ``--applications 100000`` (other sizes scale with it):

* ~60,000 researchers (1 to 5 applications each, 1.65 on average) at ~800 home
  institutions, across 40 programmes of 6 agencies whose calls closed in autumn 2026;
* ~1,000,000 declared rows over the six sections (about 10 a declaration: research
  support, in-kind support, appointments, talent programmes, outside activities and
  contracts), each researcher's rows carried from filing to filing with their keys, as the
  portal prefills them, and each filing listing the researcher's earlier applications as
  pending support;
* an organisation universe of ~34,000 funders, universities, institutes and companies,
  written in Latin, Japanese (kanji, katakana) and Chinese (simplified, sometimes
  traditional), with English and local spellings and occasional variants, used with a
  Zipf-like popularity;
* 50,000 restricted-list entries (``--listed``) across three lists (CSL, METI End User
  List, OpenSanctions), ~1 alias each (Han, pinyin, acronyms, other spellings);
* ORCID evidence for a quarter of the researchers who have an ORCID iD, and contract texts
  for ~1.5 % of contracts.

Planted problems (rates in ``RATES``; the exact counts go to ``meta.json`` and every
planted restricted-entity name to ``planted.jsonl``): over-commitment, restricted-entity
names (exact, alias, legal form, case and punctuation, full-width, traditional Han, a typo,
pinyin), filings that omit support running in the researcher's other filing, the same
proposal sent twice or declared as other support, undeclared ORCID evidence, unticked
contract clauses, missing declarations, and amended declarations.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import hashlib
import itertools
import json
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import names as N  # noqa: E402

try:
    import orjson

    def dumps(obj) -> bytes:
        return orjson.dumps(obj)
except ImportError:  # pragma: no cover

    def dumps(obj) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


SEED = 20261123
RATES = {
    "over_committed_researchers": 0.03,
    "restricted_researchers": 0.012,
    "inconsistent_multi_filers": 0.04,  # of researchers with 2+ applications
    "duplicate_multi_filers": 0.03,  # same proposal to a second programme
    "duplicate_support_rows": 0.005,  # of applications: proposal already declared as support
    "self_listed_pending": 0.2,  # the proposal itself listed as pending (excluded by rules)
    "evidence_researchers": 0.25,  # of researchers with an ORCID iD
    "undeclared_evidence": 0.06,  # of researchers with evidence
    "contract_documents": 0.015,  # of contracts
    "unticked_clause": 0.4,  # of contract documents
    "missing_declaration": 0.008,  # applications without any declaration
    "draft_only": 0.007,  # applications whose declaration was never certified
    "amended": 0.05,  # declarations with a second certified version
}
RESTRICTED_VARIANTS = [  # how a planted restricted name is written, with weights
    ("exact", 30),
    ("alias", 20),
    ("legal_form", 12),
    ("case_punctuation", 10),
    ("traditional", 10),
    ("full_width", 6),
    ("typo", 7),
    ("pinyin", 5),
]
TZ = datetime.timezone(datetime.timedelta(hours=9))
YEAR_START = datetime.date(2026, 6, 1)


def d(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def money(value: float) -> str:
    return f"{value:.2f}"


class Weighted:
    """Fast weighted choice over a fixed population (Zipf-like weights)."""

    def __init__(self, population, exponent=1.0, offset=5):
        self.population = list(population)
        weights = [1 / (rank + offset) ** exponent for rank in range(len(self.population))]
        self.cumulative = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random):
        x = rng.random() * self.cumulative[-1]
        return self.population[bisect.bisect(self.cumulative, x)]


class Generator:
    def __init__(self, applications: int, listed: int, seed: int, out: Path):
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.n_applications = applications
        self.n_listed = listed
        self.scale = applications / 100_000
        self.out = out
        self.counts: dict[str, int] = {}
        self.planted: dict[str, int] = dict.fromkeys(
            [
                "over_commitment_researchers",
                "restricted_names",
                "inconsistent_omissions",
                "duplicate_applications",
                "duplicate_support_rows",
                "undeclared_evidence_rows",
                "contract_documents",
                "unticked_clauses",
                "missing_declaration",
                "draft_only",
                "amended",
            ],
            0,
        )
        self.used_names: set[str] = set()

    # ---- helpers --------------------------------------------------------------------

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def n(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))

    def unique(self, make):
        for _ in range(50):
            org = make()
            if org.names[0] not in self.used_names:
                self.used_names.update(org.names)
                return org
        self.used_names.update(org.names)
        return org

    def write(self, name: str, rows) -> int:
        count = 0
        with open(self.out / name, "wb") as handle:
            for row in rows:
                handle.write(dumps(row))
                handle.write(b"\n")
                count += 1
        self.counts[name] = count
        return count

    # ---- reference data -------------------------------------------------------------

    def build_universe(self) -> None:
        rng = self.rng
        self.agencies = [
            ("National Agency for Scientific Research", "NASR"),
            ("Agency for Medical Research and Development", "AMRD"),
            ("Science and Technology Promotion Agency", "STPA"),
            ("New Energy and Industrial Technology Organisation", "NEITO"),
            ("Society for the Advancement of Science", "SAS"),
            ("Foundation for Industrial Innovation", "FII"),
        ]
        self.programmes = []
        for i in range(40):
            agency = i % len(self.agencies)
            closes = datetime.date(2026, 8, 10) + datetime.timedelta(days=rng.randint(0, 85))
            opens = closes - datetime.timedelta(days=rng.randint(45, 75))
            kind = rng.choice(["(A)", "(B)", "(C)", "Challenging", "Early-Career", "Frontier"])
            self.programmes.append(
                {
                    "id": i + 1,
                    "agency": agency + 1,
                    "code": f"{self.agencies[agency][1]}-{i + 1:03d}-2027",
                    "title": f"{self.agencies[agency][1]} Research Grant {kind}, FY2027 call {i}",
                    "opens_on": d(opens),
                    "closes_on": d(closes),
                }
            )
        self.programme_pick = Weighted(self.programmes, exponent=0.7, offset=3)

        institutions = []
        for _ in range(self.n(800, 20)):
            kind = "university" if rng.random() < 0.75 else "institute"
            institutions.append(self.unique(lambda kind=kind: N.japanese_org(rng, kind)))
        self.institutions = [
            {
                "id": i + 1,
                "name": org.names[0],
                "name_local": org.names[1],
                "country": "JP",
            }
            for i, org in enumerate(institutions)
        ]
        self.institution_pick = Weighted(self.institutions, exponent=0.9, offset=10)

        def orgs(count, make):
            return [self.unique(make) for _ in range(self.n(count, 5))]

        self.funders = [
            *[N.Org("funder", "JP", [name]) for name, _short in self.agencies],
            *orgs(300, lambda: N.japanese_org(rng, "funder")),
            *orgs(150, lambda: N.latin_org(rng, "funder")),
        ]
        self.funder_pick = Weighted(self.funders, exponent=1.1, offset=2)
        self.universities = [
            *institutions,
            *orgs(2500, lambda: N.latin_org(rng, rng.choice(["university", "institute"]))),
            *orgs(1500, lambda: N.chinese_org(rng, rng.choice(["university", "institute"]))),
            *orgs(1000, lambda: N.japanese_org(rng, "institute")),
        ]
        rng.shuffle(self.universities)
        self.university_pick = Weighted(self.universities, exponent=0.9, offset=20)
        self.companies = [
            *orgs(12000, lambda: N.japanese_org(rng, "company")),
            *orgs(8000, lambda: N.latin_org(rng, "company")),
            *orgs(5000, lambda: N.chinese_org(rng, "company")),
        ]
        rng.shuffle(self.companies)
        self.company_pick = Weighted(self.companies, exponent=0.8, offset=50)
        self.talent = orgs(300, lambda: N.talent_programme(rng))
        self.talent_pick = Weighted(self.talent, exponent=0.8, offset=5)

        self.listed = []
        kinds = [("csl", 0.4), ("meti_eul", 0.1), ("opensanctions", 0.5)]
        for i in range(self.n_listed):
            org = self.unique(lambda: N.listed_entity(rng))
            roll, acc = rng.random(), 0.0
            for kind, share in kinds:  # noqa: B007 - the kind the roll falls on
                acc += share
                if roll < acc:
                    break
            self.listed.append((kind, i, org))
        self.counts["organisations"] = (
            len(self.funders) + len(self.universities) + len(self.companies) + len(self.talent)
        )

    def spelling(self, org: N.Org) -> str:
        """How one researcher writes an organisation: its usual name, its other script,
        or now and then a variant (legal form, case, full-width, traditional)."""
        rng = self.rng
        name = org.names[0] if len(org.names) == 1 or rng.random() < 0.6 else org.names[1]
        roll = rng.random()
        if roll < 0.04:
            name = N.legal_form_variant(rng, name)
        elif roll < 0.06:
            name = N.case_variant(rng, name)
        elif roll < 0.07 and org.han and name == org.han:
            name = N.traditional(name)
        elif roll < 0.075:
            name = N.full_width(name)
        return name

    def restricted_name(self) -> tuple[str, str, dict]:
        rng = self.rng
        kind, index, org = self.listed[rng.randrange(len(self.listed))]
        variant = rng.choices(
            [v for v, _w in RESTRICTED_VARIANTS], [w for _v, w in RESTRICTED_VARIANTS]
        )[0]
        name = org.names[0]
        if variant == "alias":
            if len(org.names) > 1:
                name = rng.choice(org.names[1:])
            else:
                variant = "exact"
        elif variant == "legal_form":
            name = N.legal_form_variant(rng, name)
        elif variant == "case_punctuation":
            name = N.case_variant(rng, name)
        elif variant == "traditional":
            # A Han name the list gives, written in traditional characters.
            listed_han = [n for n in org.names if N.is_han(n)]
            if listed_han and N.traditional(listed_han[0]) != listed_han[0]:
                name = N.traditional(listed_han[0])
            else:
                variant, name = "exact", org.names[0]
        elif variant == "full_width":
            name = N.full_width(name)
        elif variant == "typo":
            name = N.typo(rng, name)
            if name == org.names[0]:
                variant = "exact"
        elif variant == "pinyin":
            # The pinyin of a Han name the list gives (not itself listed).
            listed_han = any(N.is_han(n) for n in org.names)
            if org.pinyin and listed_han and org.pinyin not in org.names:
                name = org.pinyin
            else:
                variant, name = "exact", org.names[0]
        if name == org.names[0]:
            variant = "exact"
        entity = {"list": kind, "source_id": f"{kind.upper()}-{index + 1:06d}"}
        return name, variant, {**entity, "country": org.country, "entity_name": org.names[0]}

    # ---- people and their filings ---------------------------------------------------

    def researchers_and_applications(self):
        rng = self.rng
        self.researchers = []
        applications = []
        researcher_id = 0
        while len(applications) < self.n_applications:
            researcher_id += 1
            count = rng.choices([1, 2, 3, 4, 5], [55, 30, 10, 3, 2])[0]
            count = min(count, self.n_applications - len(applications))
            institution = self.institution_pick(rng)
            has_orcid = rng.random() < 0.6
            researcher = {
                "id": researcher_id,
                "username": f"r{researcher_id:06d}",
                "institution": institution["id"],
                "institution_name": institution["name"],
                "department": rng.choice(
                    [
                        "Graduate School of Engineering",
                        "Graduate School of Science",
                        "School of Medicine",
                        "Institute for Materials Research",
                        "Faculty of Agriculture",
                        "Research Center for Advanced Science",
                    ]
                ),
                "job_title": rng.choice(
                    ["Professor", "Associate Professor", "Assistant Professor", "Lecturer"]
                ),
                "language": "ja" if rng.random() < 0.6 else "en",
                "researcher_number": f"{10_000_000 + researcher_id * 7 % 89_999_999:08d}"
                if rng.random() < 0.9
                else None,
                "orcid": orcid(researcher_id) if has_orcid else None,
                **N.person_name(rng),
            }
            self.researchers.append(researcher)
            applications.extend(self.filings_of(researcher, count))
        return applications

    def portfolio(self, researcher: dict) -> dict[str, list[dict]]:
        """The rows a researcher declares in every filing (keys carried over)."""
        rng = self.rng
        home = researcher["institution_name"]
        rows: dict[str, list[dict]] = {s: [] for s in SECTION_KEYS}
        for _ in range(rng.choices([1, 2, 3, 4, 5], [10, 25, 35, 20, 10])[0]):
            funder = self.funder_pick(rng)
            start = YEAR_START - datetime.timedelta(days=365 * rng.randint(0, 4) + 60)
            start = start.replace(month=4, day=1)
            end = datetime.date(start.year + rng.randint(2, 5), 3, 31)
            japanese = rng.random() < 0.3
            rows["support"].append(
                {
                    "key": self.uuid(),
                    "title": N.research_title(rng, japanese),
                    "status": "current",
                    "award_number": f"JP{start.year % 100}{rng.choice('ABCHK')}"
                    f"{rng.randint(10000, 99999)}",
                    "organisation_name": self.spelling(funder),
                    "organisation_country": funder.country,
                    "organisation_ror_id": "",
                    "place_of_performance": home,
                    "start_date": d(start),
                    "end_date": d(end),
                    "total_amount": money(rng.randint(10, 400) * 100_000),
                    "currency": "JPY",
                    "effort_percent": money(rng.choice([5, 10, 10, 15, 20])),
                    "person_months": money(rng.choice([0.5, 1, 1.5, 2]))
                    if rng.random() < 0.3
                    else None,
                    "objectives": N.research_objectives(rng, japanese),
                    "overlap_statement": "None" if not japanese else "なし",
                    "under_nda": rng.random() < 0.05,
                }
            )
        for _ in range(rng.choices([0, 1, 2, 3], [25, 45, 22, 8])[0]):
            org = self.university_pick(rng) if rng.random() < 0.6 else self.company_pick(rng)
            start = YEAR_START - datetime.timedelta(days=rng.randint(60, 1500))
            rows["in_kind"].append(
                {
                    "key": self.uuid(),
                    "description": rng.choice(
                        [
                            "Beam time on a synchrotron beamline",
                            "Loan of a cryogenic probe station",
                            "Access to a supercomputer allocation",
                            "Samples and reagents",
                            "Visiting student funded by the host",
                            "Use of a clean room",
                        ]
                    ),
                    "organisation_name": self.spelling(org),
                    "organisation_country": org.country,
                    "organisation_ror_id": "",
                    "status": "current",
                    "estimated_value": money(rng.randint(1, 500) * 10_000),
                    "currency": rng.choice(["JPY", "USD", "EUR"]),
                    "requires_time": rng.random() < 0.3,
                    "start_date": d(start),
                    "end_date": None if rng.random() < 0.6 else d(start.replace(year=2028)),
                }
            )
        appointments = rng.choices([0, 1, 2, 3], [10, 40, 35, 15])[0]
        if rng.random() < 0.5:
            appointments += 1
            rows["appointments"].append(self.appointment(home, "JP", "employment", rng))
        for _ in range(appointments):
            org = self.university_pick(rng)
            rows["appointments"].append(
                self.appointment(
                    self.spelling(org),
                    org.country,
                    rng.choice(["honorary", "visiting", "adjunct", "other"]),
                    rng,
                )
            )
        if rng.random() < 0.03:
            programme = self.talent_pick(rng)
            start = YEAR_START - datetime.timedelta(days=rng.randint(100, 1200))
            rows["talent_programmes"].append(
                {
                    "key": self.uuid(),
                    "programme_name": programme.names[0],
                    "organisation_name": programme.extra["sponsor"],
                    "organisation_country": programme.country,
                    "organisation_ror_id": "",
                    "start_date": d(start),
                    "end_date": None,
                    "obligations": "Two months a year on site.",
                }
            )
        for _ in range(rng.choices([0, 1, 2, 3, 4, 5], [8, 22, 30, 22, 12, 6])[0]):
            org = self.company_pick(rng)
            start = YEAR_START - datetime.timedelta(days=rng.randint(30, 2000))
            rows["outside_activities"].append(
                {
                    "key": self.uuid(),
                    "kind": rng.choice(["consulting", "concurrent_job", "equity", "travel"]),
                    "organisation_name": self.spelling(org),
                    "organisation_country": org.country,
                    "organisation_ror_id": "",
                    "description": rng.choice(
                        [
                            "Technical advisor on sensor design.",
                            "Member of the scientific advisory board.",
                            "Part-time research director.",
                            "Founder shares in a start-up.",
                            "Invited lecture tour.",
                        ]
                    ),
                    "start_date": d(start),
                    "end_date": None,
                    "amount": money(rng.randint(1, 200) * 10_000) if rng.random() < 0.7 else None,
                    "currency": "JPY",
                    "reported_to_institution": rng.random() < 0.9,
                }
            )
        for _ in range(rng.choices([0, 1, 2, 3], [25, 45, 23, 7])[0]):
            org = self.company_pick(rng)
            signed = YEAR_START - datetime.timedelta(days=rng.randint(30, 1500))
            rows["contracts"].append(
                {
                    "key": self.uuid(),
                    "title": rng.choice(
                        [
                            "Joint research agreement",
                            "Consulting agreement",
                            "Material transfer agreement",
                            "Sponsored research agreement",
                            "共同研究契約書",
                        ]
                    ),
                    "organisation_name": self.spelling(org),
                    "organisation_country": org.country,
                    "organisation_ror_id": "",
                    "signed_on": d(signed),
                    "end_date": None,
                    "secrecy_clause": rng.random() < 0.5,
                    "ip_assignment_clause": rng.random() < 0.1,
                    "foreign_law_clause": False,
                    "recruitment_clause": False,
                    "document": None,
                }
            )
        return rows

    def appointment(self, name, country, kind, rng) -> dict:
        start = YEAR_START - datetime.timedelta(days=rng.randint(100, 3000))
        return {
            "key": self.uuid(),
            "position_title": {
                "employment": "Professor",
                "honorary": "Honorary Professor",
                "visiting": "Visiting Professor",
                "adjunct": "Adjunct Researcher",
                "other": "Guest Scientist",
            }[kind],
            "organisation_name": name,
            "organisation_country": country,
            "organisation_ror_id": "",
            "kind": kind,
            "is_paid": kind == "employment" or rng.random() < 0.2,
            "has_employment_contract": kind == "employment",
            "start_date": d(start),
            "end_date": None if rng.random() < 0.7 else "2028-03-31",
            "reported_to_institution": True,
            "approved_by_institution": rng.random() < 0.95,
        }

    def contract_document(self, researcher, item, plant_clause: bool) -> dict:
        """A contract's stored text: the clauses the row ticks, and perhaps one it does not."""
        rng = self.rng
        pages = [
            f"{item['title']} between {researcher['institution_name']} and "
            f"{item['organisation_name']}. The parties agree on the research plan in Annex 1."
        ]
        if item["secrecy_clause"]:
            pages.append("Each party shall keep the other party's information confidential.")
        if item["ip_assignment_clause"]:
            pages.append("The researcher assigns all patents arising from the work to Sponsor.")
        clause = None
        if plant_clause:
            clause = rng.choice(["secrecy", "ip", "recruitment"])
            if clause == "secrecy" and item["secrecy_clause"]:
                clause = "recruitment"
            if clause == "ip" and item["ip_assignment_clause"]:
                clause = "recruitment"
            pages.append(
                {
                    "secrecy": "The recipient shall not disclose any results to third parties.",
                    "ip": "All inventions made under this agreement shall belong to Sponsor.",
                    "recruitment": "The researcher will recruit two postdoctoral researchers "
                    "for the Sponsor's laboratory.",
                }[clause]
            )
        pages.append("Payments are made quarterly against invoices.")
        text = "\n".join(pages)
        sha = hashlib.sha256(text.encode()).hexdigest()
        return {
            "id": self.uuid(),
            "name": f"contract-{item['key'][:8]}.pdf",
            "sha256": sha,
            "size": len(text.encode()) + 2048,
            "pages": ["\n".join(pages[:2]), "\n".join(pages[2:])],
            "uploaded_by": researcher["id"],
            "planted_clause": clause,
        }

    def filings_of(self, researcher: dict, count: int):
        rng = self.rng
        rows = self.portfolio(researcher)
        over = rng.random() < RATES["over_committed_researchers"]
        restricted = rng.random() < RATES["restricted_researchers"]
        inconsistent = count >= 2 and rng.random() < RATES["inconsistent_multi_filers"]
        duplicate = count >= 2 and rng.random() < RATES["duplicate_multi_filers"]

        if restricted:
            name, variant, entity = self.restricted_name()
            section = rng.choice(["outside_activities", "contracts", "appointments", "in_kind"])
            if not rows[section]:
                section = "outside_activities" if rows["outside_activities"] else "support"
            target = rows[section][rng.randrange(len(rows[section]))] if rows[section] else None
            if target is not None:
                target["organisation_name"] = name
                target["organisation_country"] = entity["country"]
                self.planted["restricted_names"] += 1
                self.restricted_planted.append(
                    {
                        "researcher": researcher["id"],
                        "section": section,
                        "key": target["key"],
                        "name": name,
                        "variant": variant,
                        **entity,
                    }
                )

        for item in rows["contracts"]:
            if rng.random() < RATES["contract_documents"]:
                plant = rng.random() < RATES["unticked_clause"]
                document = self.contract_document(researcher, item, plant)
                self.documents.append(document)
                item["document"] = {k: document[k] for k in ("id", "name", "sha256", "size")}
                self.planted["contract_documents"] += 1
                self.planted["unticked_clauses"] += bool(document["planted_clause"])

        # Effort: this researcher's current support overlapping the new projects plus every
        # application of the year stays at or under 95 %, unless planted over 100 %.
        app_efforts = [rng.choice([10, 15, 20, 25, 30]) for _ in range(count)]
        while sum(app_efforts) > 75:
            app_efforts[app_efforts.index(max(app_efforts))] -= 5
        current = [
            r for r in rows["support"] if r["end_date"] >= "2027-04-01" and r["status"] == "current"
        ]
        budget = 95 - sum(app_efforts)
        for row in current:
            effort = float(row["effort_percent"])
            if effort > budget:
                effort = max(0, budget)
            row["effort_percent"] = money(effort)
            budget -= effort
        if over and current:
            extra = rng.choice([10, 20, 30, 40])
            row = current[0]
            row["effort_percent"] = money(min(100, float(row["effort_percent"]) + budget + extra))
            self.planted["over_commitment_researchers"] += 1

        japanese = researcher["language"] == "ja" and rng.random() < 0.5
        applications = []
        programmes = set()
        certified_list = []
        for i in range(count):
            for _ in range(10):
                programme = self.programme_pick(rng)
                if programme["id"] not in programmes:
                    break
            programmes.add(programme["id"])
            if duplicate and i == 1:
                title = N.light_edit(rng, applications[0]["title"])
                objectives = applications[0]["objectives"]
                self.planted["duplicate_applications"] += 1
            else:
                title = N.research_title(rng, japanese)
                objectives = N.research_objectives(rng, japanese)
            start = datetime.date(2027, 4, 1)
            end = datetime.date(2027 + rng.randint(1, 4), 3, 31)
            opens = datetime.date.fromisoformat(programme["opens_on"])
            closes = datetime.date.fromisoformat(programme["closes_on"])
            day = opens + datetime.timedelta(days=rng.randint(5, (closes - opens).days))
            certified_at = datetime.datetime.combine(
                day, datetime.time(rng.randint(8, 22), rng.randint(0, 59), rng.randint(0, 59)), TZ
            )
            created_at = certified_at - datetime.timedelta(days=rng.randint(1, 20))
            app = {
                "id": None,
                "researcher": researcher["id"],
                "programme": programme["id"],
                "institution": researcher["institution"],
                "title": title,
                "objectives": objectives,
                "start_date": d(start),
                "end_date": d(end),
                "requested_amount": money(rng.randint(5, 300) * 100_000),
                "currency": "JPY",
                "effort_percent": money(app_efforts[i]),
                "created_at": created_at.isoformat(),
                "certified_at": certified_at,
                "agency": self.agencies[programme["agency"] - 1][0],
            }
            applications.append(app)

        # Filings in the order they were certified; each lists the earlier ones as pending.
        applications.sort(key=lambda a: a["certified_at"])
        omit_in = rng.randrange(1, count) if inconsistent else None
        for i, app in enumerate(applications):
            roll = rng.random()
            if roll < RATES["missing_declaration"]:
                app["declaration"] = None
                self.planted["missing_declaration"] += 1
                continue
            if roll < RATES["missing_declaration"] + RATES["draft_only"]:
                app["declaration"] = {"versions": [{"number": 1, "status": "draft"}]}
                self.planted["draft_only"] += 1
                continue
            sections = {s: [dict(r) for r in rows[s]] for s in SECTION_KEYS}
            for earlier in certified_list:
                sections["support"].append(self.pending_row(researcher, earlier, rng))
            if rng.random() < RATES["self_listed_pending"]:
                row = self.pending_row(researcher, app, rng)
                row["organisation_name"] = app["agency"]
                sections["support"].append(row)
            if rng.random() < RATES["duplicate_support_rows"]:
                row = self.pending_row(researcher, app, rng)
                row["organisation_name"] = self.spelling(rng.choice(self.funders[-100:]))
                row["status"] = "current"
                row["start_date"] = "2026-04-01"
                row["title"] = N.light_edit(rng, app["title"])
                sections["support"].append(row)
                self.planted["duplicate_support_rows"] += 1
            omitted = None
            if omit_in == i:
                running = [
                    (s, r)
                    for s in ("support", "appointments")
                    for r in sections[s]
                    if r.get("status", "current") == "current"
                    and r["start_date"] < "2026-06-01"
                    and (r["end_date"] or "9999") > "2026-12-01"
                ]
                if running:
                    section, omitted = running[rng.randrange(len(running))]
                    sections[section] = [r for r in sections[section] if r is not omitted]
                    self.planted["inconsistent_omissions"] += 1
            versions = []
            certified_at = app["certified_at"]
            if rng.random() < RATES["amended"]:
                # v1 forgot an outside activity that v2, certified a week later, adds.
                first = {s: [dict(r) for r in rows_] for s, rows_ in sections.items()}
                if first["outside_activities"]:
                    first["outside_activities"].pop()
                versions.append(
                    {
                        "number": 1,
                        "status": "certified",
                        "certified_at": certified_at.isoformat(),
                        "sections": first,
                    }
                )
                certified_at = certified_at + datetime.timedelta(days=rng.randint(2, 20))
                self.planted["amended"] += 1
            versions.append(
                {
                    "number": len(versions) + 1,
                    "status": "certified",
                    "certified_at": certified_at.isoformat(),
                    "sections": sections,
                }
            )
            app["declaration"] = {"versions": versions}
            certified_list.append(app)
        for app in applications:
            app.pop("agency")
            app.pop("certified_at")
        return applications

    def pending_row(self, researcher, app, rng) -> dict:
        return {
            "key": self.uuid(),
            "title": app["title"],
            "status": "pending",
            "award_number": "",
            "organisation_name": app["agency"],
            "organisation_country": "JP",
            "organisation_ror_id": "",
            "place_of_performance": researcher["institution_name"],
            "start_date": app["start_date"],
            "end_date": app["end_date"],
            "total_amount": app["requested_amount"],
            "currency": "JPY",
            "effort_percent": app["effort_percent"],
            "person_months": None,
            "objectives": app["objectives"],
            "overlap_statement": "This application.",
            "under_nda": False,
        }

    # ---- evidence -------------------------------------------------------------------

    def evidence(self, applications) -> list[dict]:
        """ORCID records: employment at the home institution and funding the researcher
        declares, and for a few an organisation they do not declare."""
        rng = self.rng
        declared: dict[int, list[dict]] = {}
        for app in applications:
            versions = (app["declaration"] or {}).get("versions") or []
            if versions and versions[-1]["status"] == "certified":
                declared.setdefault(app["researcher"], versions[-1]["sections"]["support"])
        rows = []
        for researcher in self.researchers:
            if not researcher["orcid"] or rng.random() >= RATES["evidence_researchers"]:
                continue
            support = [r for r in declared.get(researcher["id"], []) if r["status"] == "current"]
            base = {"orcid": researcher["orcid"], "researcher_number": ""}
            rows.append(
                {
                    **base,
                    "kind": "employment",
                    "organisation_name": researcher["institution_name"],
                    "organisation_country": "JP",
                    "title": researcher["job_title"],
                    "start_date": "2015-04-01",
                    "end_date": None,
                }
            )
            for row in support[:2]:
                rows.append(
                    {
                        **base,
                        "kind": "funding",
                        "organisation_name": row["organisation_name"],
                        "organisation_country": row["organisation_country"],
                        "title": row["title"],
                        "award_id": row["award_number"],
                        "start_date": row["start_date"],
                        "end_date": row["end_date"],
                    }
                )
            if rng.random() < RATES["undeclared_evidence"]:
                org = self.university_pick(rng)
                rows.append(
                    {
                        **base,
                        "kind": "invited_position",
                        "organisation_name": org.names[0],
                        "organisation_country": org.country,
                        "title": "Visiting Chair Professor",
                        "start_date": "2025-09-01",
                        "end_date": None,
                    }
                )
                self.planted["undeclared_evidence_rows"] += 1
        return rows

    # ---- main -----------------------------------------------------------------------

    def run(self) -> dict:
        started = time.monotonic()
        self.out.mkdir(parents=True, exist_ok=True)
        self.documents: list[dict] = []
        self.restricted_planted: list[dict] = []
        self.build_universe()
        applications = self.researchers_and_applications()
        for i, app in enumerate(applications):
            app["id"] = i + 1
        # Applications arrive interleaved, not researcher by researcher.
        order = list(range(len(applications)))
        self.rng.shuffle(order)
        for new_id, index in enumerate(order, start=1):
            applications[index]["id"] = new_id
        applications.sort(key=lambda a: a["id"])
        evidence = self.evidence(applications)

        self.write("agencies.jsonl", self.agency_rows())
        self.write("programmes.jsonl", self.programmes)
        self.write("institutions.jsonl", self.institutions)
        self.write(
            "researchers.jsonl",
            ({k: v for k, v in r.items() if k != "institution_name"} for r in self.researchers),
        )
        self.write("applications.jsonl", applications)
        self.write(
            "listed.jsonl",
            (
                {
                    "list": kind,
                    "source_id": f"{kind.upper()}-{index + 1:06d}",
                    "name": org.names[0],
                    "aliases": org.names[1:],
                    "country": org.country,
                }
                for kind, index, org in self.listed
            ),
        )
        self.write("evidence.jsonl", evidence)
        self.write("documents.jsonl", self.documents)
        self.write("planted.jsonl", self.restricted_planted)

        rows = sum(
            len(v["sections"][s])
            for a in applications
            for v in (a["declaration"] or {}).get("versions", [])
            if v["status"] == "certified"
            for s in SECTION_KEYS
        )
        meta = {
            "applications": len(applications),
            "researchers": len(self.researchers),
            "institutions": len(self.institutions),
            "programmes": len(self.programmes),
            "listed_entities": len(self.listed),
            "listed_names": sum(len(org.names) for _k, _i, org in self.listed),
            "declared_rows": rows,
            "evidence_rows": len(evidence),
            "organisations": self.counts["organisations"],
            "planted": self.planted,
            "rates": RATES,
            "seed": self.seed,
            "generated_in_seconds": round(time.monotonic() - started, 1),
        }
        (self.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        return meta

    def agency_rows(self):
        for i, (name, short) in enumerate(self.agencies, start=1):
            yield {"id": i, "name": name, "short_name": short, "country": "JP"}


SECTION_KEYS = (
    "support",
    "in_kind",
    "appointments",
    "talent_programmes",
    "outside_activities",
    "contracts",
)


def orcid(number: int) -> str:
    """A well-formed ORCID iD (ISO 7064 11-2 check character), unique per number."""
    digits = f"00000002{number:07d}"
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    bare = digits + ("X" if check == 10 else str(check))
    return "-".join(bare[i : i + 4] for i in range(0, 16, 4))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument(
        "--listed",
        type=int,
        default=None,
        help="restricted-list entries (default: half the applications, at least 500)",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args(argv)
    listed = args.listed if args.listed is not None else max(500, args.applications // 2)
    generator = Generator(args.applications, listed, args.seed, args.out)
    meta = generator.run()
    print(json.dumps({k: v for k, v in meta.items() if k != "rates"}, indent=2))
    return meta


if __name__ == "__main__":
    main()

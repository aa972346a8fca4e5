"""Each rule raises the right flag on a true case and none on a false one."""

import datetime

import pytest
from django.utils import timezone

from checks.engine import check_missing_declarations, check_versions
from checks.models import Evidence, Flag, Snapshot
from tests.checks.builders import (
    certified_filing,
    evidence_snapshot,
    list_snapshot,
    support_row,
)
from tests.factories import ProgrammeFactory, researcher, section_rows, start_application

pytestmark = pytest.mark.django_db


def flags(rule, version=None):
    qs = Flag.objects.filter(rule=rule)
    return qs.filter(version=version) if version else qs


def test_missing_declaration_after_deadline_only():
    today = timezone.localdate()
    closed = ProgrammeFactory(
        opens_on=today - datetime.timedelta(days=40), closes_on=today + datetime.timedelta(days=1)
    )
    late = start_application(researcher(), programme=closed)
    on_time = certified_filing(programme=closed).declaration.application
    open_app = start_application(researcher())
    closed.closes_on = today - datetime.timedelta(days=1)
    closed.save()

    check_missing_declarations()

    flagged = set(flags("missing_declaration").values_list("application_id", flat=True))
    assert flagged == {late.pk}
    assert on_time.pk not in flagged and open_app.pk not in flagged
    assert flags("missing_declaration").get().evidence[0]["days_overdue"] == 1


def test_over_commitment_above_100_percent():
    heavy = certified_filing(
        sections={"support": [support_row(effort_percent="80")]}, effort_percent="30"
    )
    light = certified_filing(
        sections={"support": [support_row(effort_percent="60")]}, effort_percent="30"
    )
    planned = certified_filing(
        sections={"support": [support_row(effort_percent="80", status="planned")]},
        effort_percent="30",
    )
    check_versions([heavy.pk, light.pk, planned.pk])
    flag = flags("over_commitment", heavy).get()
    assert flag.params["total"] == "110.00"
    assert not flags("over_commitment", light).exists()
    assert not flags("over_commitment", planned).exists()


def test_inconsistent_filings_flags_the_filing_that_omits_running_support():
    user = researcher()
    first = certified_filing(user, title="Project A")
    second = certified_filing(user, title="Project B", sections={"support": []})
    check_versions([first.pk, second.pk])
    flag = flags("inconsistent_filings", second).get()
    assert flag.params["name"] == "Spin qubits in silicon carbide"
    assert flag.evidence[0]["filing"]["application_id"] == first.declaration.application_id
    assert not flags("inconsistent_filings", first).exists()


def test_inconsistent_filings_ignores_other_researchers_and_disjoint_periods():
    first = certified_filing(title="Project A")
    other_person = certified_filing(title="Project B", sections={"support": []})
    user = researcher()
    early = certified_filing(
        user, start_date=datetime.date(2027, 4, 1), end_date=datetime.date(2028, 3, 31)
    )
    late = certified_filing(
        user,
        sections={"support": []},
        start_date=datetime.date(2029, 4, 1),
        end_date=datetime.date(2030, 3, 31),
    )
    check_versions([first.pk, other_person.pk, early.pk, late.pk])
    assert not flags("inconsistent_filings").exists()


def test_duplicate_funding_across_applications_with_shared_passages():
    user = researcher()
    objectives = (
        "We will develop nitrogen-vacancy magnetometry to map strain in thin "
        "semiconductor films during deposition and anneal, and validate it on wafers."
    )
    first = certified_filing(
        user, title="Quantum sensing of strain in thin films", objectives=objectives
    )
    second = certified_filing(
        user,
        title="Quantum sensing of strain in thin semiconductor films",
        objectives=objectives + " A second phase adds imaging.",
    )
    unrelated = certified_filing(
        user,
        title="Soil microbiomes of alpine meadows",
        objectives="Sequencing of soil samples across altitudes.",
    )
    check_versions([first.pk, second.pk, unrelated.pk])
    flag = flags("duplicate_funding", second).get(subject__startswith="application:")
    assert flag.evidence[0]["passages"] and flag.score >= 50
    assert not flags("duplicate_funding", unrelated).exists()


def test_restricted_entity_across_legal_forms_and_scripts():
    list_snapshot(
        entries=[
            ("Hikari Trading Co., Ltd.", ["Hikari Boeki"], "JP"),
            (
                "Beijing University of Aeronautics and Astronautics",
                ["Beihang University", "北京航空航天大学"],
                "CN",
            ),
        ]
    )
    contracts = [{**section_rows()["contracts"][0], "organisation_name": "HIKARI TRADING K.K."}]
    appointments = [
        {
            **section_rows()["appointments"][0],
            "organisation_name": "北京航空航天大學",
            "organisation_country": "CN",
        }
    ]
    flagged = certified_filing(sections={"contracts": contracts, "appointments": appointments})
    near_miss = certified_filing(
        sections={
            "contracts": [
                {**section_rows()["contracts"][0], "organisation_name": "Hikari Pharmaceuticals"}
            ]
        }
    )
    check_versions([flagged.pk, near_miss.pk])

    found = {f.params["entity"]: f for f in flags("restricted_entity", flagged)}
    assert set(found) == {
        "Hikari Trading Co., Ltd.",
        "Beijing University of Aeronautics and Astronautics",
    }
    evidence = found["Hikari Trading Co., Ltd."].evidence[0]
    assert evidence["list_kind"] == "csl" and evidence["published_on"] == "2026-10-01"
    assert evidence["score"] >= 85
    assert not flags("restricted_entity", near_miss).exists()


def test_undeclared_evidence_from_orcid_by_identifier_only():
    user = researcher()
    user.researcher_profile.orcid = "0000-0002-1825-0097"
    user.researcher_profile.save()
    evidence_snapshot(
        [
            {
                "kind": Evidence.Kind.EMPLOYMENT,
                "orcid": "0000-0002-1825-0097",
                "organisation_name": "Harbour Institute of Advanced Study",
                "organisation_country": "SG",
                "title": "Adjunct Professor",
                "start_date": datetime.date(2024, 1, 1),
            },
            {
                "kind": Evidence.Kind.EMPLOYMENT,
                "orcid": "0000-0002-1825-0097",
                "organisation_name": "Lakeside Institute of Technology",
                "organisation_country": "SG",
                "title": "Visiting Professor",
                "start_date": datetime.date(2025, 10, 1),
            },
            {
                "kind": Evidence.Kind.EMPLOYMENT,
                "orcid": "0000-0001-5109-3700",
                "organisation_name": "Someone Else's University",
                "start_date": datetime.date(2020, 1, 1),
            },
        ]
    )
    version = certified_filing(user)
    check_versions([version.pk])
    [flag] = flags("undeclared_evidence", version)
    assert flag.params["organisation"] == "Harbour Institute of Advanced Study"
    assert flag.evidence[0]["source"] == Snapshot.Kind.ORCID


def test_contract_clauses_found_in_the_text_but_not_ticked(contract_pdf_upload):
    from disclosures.services import document_store

    user = researcher()
    document = document_store(
        user=user,
        uploaded_file=contract_pdf_upload(
            "The Recipient shall not disclose any Confidential Information. This Agreement is "
            "governed by the laws of the People's Republic of China, without regard to conflicts."
        ),
    )
    row = {**section_rows()["contracts"][0], "document": document, "secrecy_clause": False}
    unticked = certified_filing(user, sections={"contracts": [row]})
    ticked = certified_filing(
        researcher(),
        sections={"contracts": [{**row, "secrecy_clause": True, "foreign_law_clause": True}]},
    )
    check_versions([unticked.pk, ticked.pk])
    clauses = {f.params["clause"]: f for f in flags("contract_clauses", unticked)}
    assert set(clauses) == {"secrecy_clause", "foreign_law_clause"}
    assert "shall not disclose" in clauses["secrecy_clause"].evidence[0]["passage"]
    assert not flags("contract_clauses", ticked).exists()

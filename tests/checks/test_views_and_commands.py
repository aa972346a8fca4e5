"""The reviewer-facing side of the checks: flags on the application page, the screening
page, and the command-line tools."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from checks.engine import check_versions
from checks.models import Snapshot
from tests.checks.builders import certified_filing, list_snapshot, support_row
from tests.factories import AdministratorFactory, OfficerFactory, OfficeUserFactory, researcher

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged():
    owner = researcher()
    version = certified_filing(
        owner, sections={"support": [support_row(effort_percent="95")]}, effort_percent="30"
    )
    check_versions([version.pk])
    return version.declaration.application


def test_office_sees_flags_with_evidence_and_researcher_sees_none(client, flagged):
    url = reverse("application_detail", args=[flagged.pk])
    client.force_login(OfficeUserFactory(institution=flagged.institution))
    html = client.get(url).content.decode()
    assert "Over-commitment" in html and "comes to 125.00 %" in html
    assert 'data-flag="over_commitment"' in html
    assert "Effort on this application" in html  # evidence shown with labels, not raw keys
    assert "application_effort" not in html

    client.force_login(flagged.researcher)
    html = client.get(url).content.decode()
    assert "Over-commitment" not in html and "data-flag" not in html


def test_office_of_another_institution_cannot_reach_the_flags(client, flagged):
    client.force_login(OfficeUserFactory())
    response = client.get(reverse("application_detail", args=[flagged.pk]))
    assert response.status_code == 404
    assert b"Over-commitment" not in response.content


def test_screening_page_for_reviewers_only(client):
    list_snapshot(
        kind=Snapshot.Kind.METI_EUL,
        entries=[("Hikari Trading Co., Ltd.", ["ひかり貿易株式会社"], "JP")],
    )
    url = reverse("screen") + "?name=HIKARI+TRADING+K.K.&country=JP"
    client.force_login(researcher())
    assert client.get(url).status_code == 403
    for user in (OfficeUserFactory(), OfficerFactory(), AdministratorFactory()):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "Hikari Trading Co., Ltd." in html and "METI End User List" in html
    miss = client.get(reverse("screen") + "?name=Hikari+Pharmaceuticals").content.decode()
    assert "No entry matches this name." in miss


def test_screen_command_prints_json(capsys):
    list_snapshot(
        entries=[
            (
                "Beijing University of Aeronautics and Astronautics",
                ["Beihang University", "北京航空航天大学"],
                "CN",
            )
        ]
    )
    call_command("screen", "北京航空航天大學", "--country", "CN")
    result = json.loads(capsys.readouterr().out)
    assert result["query"] == {"name": "北京航空航天大學", "country": "CN"}
    [match] = result["matches"]
    assert match["entity_name"] == "Beijing University of Aeronautics and Astronautics"
    assert match["country_matches"] is True and match["score"] >= 85


def test_export_flags_writes_json_lines(capsys, flagged):
    call_command("export_flags")
    [line] = capsys.readouterr().out.strip().splitlines()
    record = json.loads(line)
    assert record["rule"] == "over_commitment"
    assert record["application"] == flagged.pk
    assert record["declaration_version"] == 1
    assert record["subject"] == "effort"
    assert record["score"] == 125.0
    assert record["evidence"][-1]["type"] == "application_effort"
    call_command("export_flags", "--language", "ja")
    assert json.loads(capsys.readouterr().out)["explanation"] != record["explanation"]

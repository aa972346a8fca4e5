"""The dashboard's figures (charts from a JSON block, the same numbers in tables) and the
queue's CSV and XLSX exports, which follow the queue's filters."""

import csv
import datetime
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from checks.models import Flag
from funding.models import Application
from tests.factories import InstitutionFactory, ProgrammeFactory
from tests.review.conftest import SECRET_TITLE, filing, named_researcher, open_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def filings(world):
    institution = world["institution"]
    today = timezone.localdate()
    soon = ProgrammeFactory(closes_on=today + datetime.timedelta(days=2))
    later = ProgrammeFactory(closes_on=today + datetime.timedelta(days=20))
    far = ProgrammeFactory(closes_on=today + datetime.timedelta(days=200))
    kanji = named_researcher(
        institution,
        latin=("Jiro", "Sato"),
        kanji=("佐藤", "次郎"),
        kana=("さとう", "じろう"),
        number="55555555",
    )
    a = filing(institution, user=kanji, programme=soon, title='=HYPERLINK("http://x")')
    b = filing(institution, programme=later, title="Beta")
    c = filing(institution, programme=far, certified=False, title="Gamma")
    open_flag(a)
    open_flag(a, rule="restricted_entity", subject="org", severity="high")
    open_flag(b)
    open_flag(b, rule="duplicate_funding", subject="x", status=Flag.Status.DISMISSED)
    Application.objects.filter(pk=b.pk).update(status=Application.Status.ENDORSED)
    filing(InstitutionFactory(), title="Elsewhere")  # never counted
    return {"a": a, "b": b, "c": c}


def test_dashboard_figures(office_client, world, filings):
    response = office_client.get(reverse("review:dashboard"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert dict(figures["status_rows"]) == {
        "Draft": 1,
        "Submitted": 2,
        "Changes requested": 0,
        "Endorsed to the agency": 1,
    }
    assert figures["total"] == 4 and figures["submitted"] == 2
    weeks = figures["deadline_weeks"]
    assert len(weeks) == 8
    assert weeks[0]["counts"]["submitted"] == 1  # due in 2 days
    assert weeks[1]["counts"]["submitted"] == 1  # the world's filing, due in 10 days
    assert weeks[2]["counts"]["endorsed"] == 1  # due in 20 days
    assert figures["due_total"] == 3  # the one due in 200 days is beyond 8 weeks
    assert dict(figures["flag_rows"]) == {"Over-commitment": 2, "Restricted entity": 1}
    assert figures["open_flags_total"] == 3
    this_month = figures["trend_rows"][-1]
    assert len(figures["trend_rows"]) == 12
    assert this_month[1] == 3 and this_month[2] == 0  # three first certifications

    body = response.content.decode()
    data = json.loads(
        re.search(
            r'<script id="dashboard-data" type="application/json">(.*?)</script>', body, re.S
        ).group(1)
    )
    assert data["status"]["values"] == [1, 2, 0, 1]
    assert data["flags"]["values"] == [2, 1]
    assert [s["data"][0] for s in data["deadlines"]["datasets"]] == [0, 1, 0, 0]
    # The same numbers as tables, and no inline script: only files and the JSON block.
    assert '<table class="table table-sm mt-3 mb-0" id="table-status">' in body
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert re.search(r"\son[a-z]+=", body) is None  # no inline event handlers
    assert "/static/vendor/chartjs-4.6.1/chart.umd.min.js" in body
    assert "/static/review/dashboard.js" in body
    assert "Elsewhere" not in body


def test_dashboard_follows_the_filters(office_client, world, filings):
    response = office_client.get(reverse("review:dashboard"), {"open_flags": "yes"})
    figures = response.context["figures"]
    assert figures["total"] == 2
    export = response.content.decode()
    assert reverse("review:export_csv") + "?open_flags=yes" in export


def _csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="review-queue-')
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_rows_match_the_filters(office_client, world, filings):
    everything = _csv_rows(office_client.get(reverse("review:export_csv")))
    assert len(everything) == 4
    assert "Elsewhere" not in {row["Project title"] for row in everything}

    rows = _csv_rows(
        office_client.get(reverse("review:export_csv"), {"open_flags": "yes", "sort": "-flags"})
    )
    assert [row["Application id"] for row in rows] == [str(filings["a"].pk), str(filings["b"].pk)]
    first = rows[0]
    assert first["Project title"] == '\'=HYPERLINK("http://x")'  # never a formula
    assert first["Researcher"] == "Jiro Sato"
    assert first["Name (kanji)"] == "佐藤 次郎"
    assert first["Researcher number"] == "55555555"
    assert first["Open flags"] == "2"
    assert first["Status"] == "Submitted"
    assert first["Latest version"] == "1" and first["Latest version status"] == "Certified"
    assert first["Deadline"] == filings["a"].programme.closes_on.isoformat()
    assert first["Review page"].endswith(reverse("review:application", args=[filings["a"].pk]))

    searched = _csv_rows(office_client.get(reverse("review:export_csv"), {"q": "さとう"}))
    assert [row["Researcher"] for row in searched] == ["Jiro Sato"]


def test_xlsx_export_opens_and_has_the_rows(office_client, world, filings):
    response = office_client.get(reverse("review:export_xlsx"), {"status": "submitted"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[0] == "Application id" and header[1] == "Project title"
    assert {row[1] for row in data} == {SECRET_TITLE, '=HYPERLINK("http://x")'}
    formula_cell = next(c for c in sheet["B"] if c.value == '=HYPERLINK("http://x")')
    assert formula_cell.data_type == "s"  # text, not a formula
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in data}
    deadline = by_title[SECRET_TITLE]["Deadline"]  # a real date, shown as one
    assert deadline.date() == world["programme"].closes_on
    assert sheet.cell(row=2, column=10).number_format == "yyyy-mm-dd"
    assert by_title[SECRET_TITLE]["Name (kanji)"] == "山田 花子"
    assert by_title['=HYPERLINK("http://x")']["Open flags"] == 2


def test_exports_of_an_empty_queue_have_the_header(client, world):
    client.force_login(world["office_other"])
    assert _csv_rows(client.get(reverse("review:export_csv"))) == []
    workbook = load_workbook(io.BytesIO(client.get(reverse("review:export_xlsx")).content))
    assert workbook.active.max_row == 1

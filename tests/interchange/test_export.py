"""What export_filings writes, and how much it asks of the database."""

import datetime

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.services import declaration_amend
from funding.models import Application
from interchange.jsonl import RECORD_TYPES
from tests.factories import ProgrammeFactory, certify, fill_draft, researcher, start_application

from .helpers import FIXTURES, build_filings, empty_database, export, import_text, records

pytestmark = pytest.mark.django_db


def test_records_come_parents_first_in_a_fixed_order():
    kinds = [record["type"] for record in records((FIXTURES / "filings.jsonl").read_text("utf-8"))]
    header = [kind for kind in kinds if kind not in ("application", "declaration_version")]
    assert header == sorted(header, key=RECORD_TYPES.index)
    assert kinds[len(header)] == "application"
    assert all(record["format_version"] == 1 for record in records(export()))


def test_one_programme_exports_a_file_that_imports_on_its_own(tmp_path):
    build_filings()
    text = export("--programme", "ARF-QUANTUM-2027")
    lines = records(text)

    keys = [r.get("name") or r.get("code") or r.get("username") for r in lines[:5]]
    assert list(zip([r["type"] for r in lines[:5]], keys, strict=True)) == [
        ("institution", "Kita University"),
        ("institution", "Lakeside Institute of Technology"),
        ("agency", "Agency for Research Funding"),
        ("programme", "ARF-QUANTUM-2027"),
        ("researcher", "yamada.hanako"),
    ]
    assert [r["type"] for r in lines[5:]] == ["application", "declaration_version"]
    # Prefilled from an application outside this file: the link is left out.
    assert lines[-1]["based_on"] is None

    empty_database()
    import_text(tmp_path, text)
    assert export() == text


def test_since_selects_applications_created_or_certified_from_that_day():
    filings = build_filings()
    long_ago = datetime.datetime(2020, 4, 1, tzinfo=datetime.UTC)
    # Created long ago but certified again recently: still in. Only a draft: out.
    Application.objects.filter(pk__in=[filings["first"].pk, filings["third"].pk]).update(
        created_at=long_ago
    )
    today = datetime.date.today().isoformat()  # noqa: DTZ011 - the day the data was made

    titles = {r["title"] for r in records(export("--since", today)) if r["type"] == "application"}

    assert titles == {"歪みの量子センシング(改)", "Entangled clocks"}
    assert not [r for r in records(export("--since", "2999-01-01")) if r["type"] == "application"]


def _application_with_history(programme):
    user = researcher()
    application = start_application(user, programme)
    certify(fill_draft(application.declaration.versions.get()))
    declaration_amend(declaration=application.declaration, user=user)


def test_the_number_of_queries_does_not_grow_with_the_number_of_applications():
    programme = ProgrammeFactory()
    _application_with_history(programme)
    with CaptureQueriesContext(connection) as few:
        export()
    for _ in range(4):
        _application_with_history(programme)
    with CaptureQueriesContext(connection) as many:
        text = export()
    assert sum(r["type"] == "declaration_version" for r in records(text)) == 10
    assert len(many) == len(few)


def test_bad_options_are_refused():
    with pytest.raises(CommandError, match="no programme 'NOPE'"):
        export("--programme", "NOPE")
    with pytest.raises(CommandError, match="not a date"):
        export("--since", "01/04/2027")

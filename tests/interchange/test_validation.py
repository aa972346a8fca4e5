"""Every line is checked before anything is written; errors name their line."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosures.content import content_fingerprint

from .helpers import FIXTURES, database_counts, lines_of, text_of

pytestmark = pytest.mark.django_db

FILINGS = FIXTURES / "filings.jsonl"


def _errors(tmp_path, text: str) -> list[str]:
    path = tmp_path / "filings.jsonl"
    path.write_text(text, encoding="utf-8")
    return _errors_of(path)


def _errors_of(path) -> list[str]:
    counts = database_counts()
    stderr = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_filings", str(path), stdout=io.StringIO(), stderr=stderr)
    assert failure.value.returncode == 1
    assert str(failure.value).endswith("nothing was imported")
    assert database_counts() == counts
    return stderr.getvalue().splitlines()


def test_every_problem_is_reported_with_its_line_and_nothing_is_imported():
    assert _errors_of(FIXTURES / "errors.jsonl") == [
        "line 2: ror_id: not-a-ror is not a ROR identifier "
        "(for example 05dxps055 or https://ror.org/05dxps055).",
        "line 2: country: 'XX' is not one of the allowed values",
        "line 3: format_version: 2 is not supported (expected 1)",
        "line 4: invalid JSON: Expecting property name enclosed in double quotes at column 57",
        "line 5: opens_on: '2027-02-30' is not a valid date",
        "line 5: declaration_required: must be true or false",
        "line 6: nickname: unknown field",
        "line 6: profile.researcher_number: The researcher number has exactly 8 digits.",
        "line 6: profile.orcid: This ORCID iD's check digit is wrong; "
        "please copy it again from your ORCID record.",
        "line 7: created_at: '2026-11-01T09:00:00' has no time zone offset",
        'line 7: requested_amount: 12000000.5: decimals are written as strings, e.g. "12.50"',
        "line 7: currency: 'YEN' is not one of the allowed values",
        "line 7: effort_percent: Ensure this value is less than or equal to 100.",
        "line 7: end_date: is before start_date",
        "line 8: application 'APP-2027-000999' is not on an earlier line of this file",
        "line 9: type: 'spaceship' is not one of institution, agency, programme, researcher, "
        "application, declaration_version",
        "line 10: invalid JSON: field 'type' appears twice in one object",
        "line 11: a line must hold one JSON object",
        "line 13: institution 'Kita University' already appears on line 1",
    ]


def _index(predicate) -> int:
    lines = lines_of(FILINGS.read_text("utf-8"))
    return next(i for i, line in enumerate(lines) if predicate(json.loads(line)))


def _first_certified(record):
    return record["type"] == "declaration_version" and record["status"] == "certified"


def _hanako(record):
    return record.get("username") == "yamada.hanako"


def _first_application(record):
    return record["type"] == "application"


def _draft(record):
    return record["type"] == "declaration_version" and record["status"] == "draft"


def _tamper_content(record):
    record["certification"]["content"]["application"]["requested_amount"] = "1.00"


def _tamper_rows_and_content(record):
    record["sections"]["support"][0]["total_amount"] = "1.00"
    record["certification"]["content"]["sections"] = record["sections"]


def _tamper_rows(record):
    record["sections"]["support"][0]["total_amount"] = "1.00"


def _tamper_consistently_but_renumber(record):
    content = record["certification"]["content"]
    content["declaration"]["version"] = 7
    record["certification"]["fingerprint"] = content_fingerprint(content)


def _set(*path_and_value):
    *path, value = path_and_value

    def change(record):
        target = record
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("where", "change", "message"),
    [
        (
            _first_certified,
            _tamper_content,
            "certification.fingerprint: does not match the SHA-256 of content: "
            "the certified content was altered",
        ),
        (
            _first_certified,
            _tamper_rows_and_content,
            "certification.fingerprint: does not match the SHA-256 of content: "
            "the certified content was altered",
        ),
        (
            _first_certified,
            _tamper_rows,
            "sections: differ from certification.content.sections (what was certified)",
        ),
        (
            _first_certified,
            _tamper_consistently_but_renumber,
            "certification.content.declaration.version: must be 1, the version number",
        ),
        (
            _draft,
            _set("sections", "support", 0, "effort_percent", 25.0),
            "sections.support[0].effort_percent: 25.0: "
            'decimals are written as strings, e.g. "12.50"',
        ),
        (
            _draft,
            _set("sections", "appointments", 0, "kind", "sabbatical"),
            "sections.appointments[0].kind: 'sabbatical' is not one of the allowed values",
        ),
        (
            _draft,
            _set("sections", "support", 0, "key", "D6850771E42A4DEA"),
            "sections.support[0].key: 'D6850771E42A4DEA' is not a UUID in lower-case "
            "8-4-4-4-12 form",
        ),
        (
            _first_certified,
            _set("certification", "certified_by", "nobody"),
            "unknown researcher 'nobody': neither on an earlier line nor in the database",
        ),
        (
            _first_certified,
            _set("status", "submitted"),
            "status: 'submitted' is not one of the allowed values",
        ),
        (
            _first_application,
            _set("start_date", "2027-4-1"),
            "start_date: '2027-4-1' is not a date as YYYY-MM-DD",
        ),
        (
            _first_application,
            _set("requested_amount", "12,000,000"),
            "requested_amount: '12,000,000' is not a decimal number",
        ),
        (
            _first_application,
            _set("requested_amount", "12000000.001"),
            "requested_amount: Ensure that there are no more than 2 decimal places.",
        ),
        (
            _hanako,
            _set("profile", "orcid", "0000000218250097"),
            "profile.orcid: write it as 0000-0002-1825-0097",
        ),
        (
            _hanako,
            _set("profile", "affiliations", 1, "is_primary", True),
            "profile.affiliations: more than one is primary",
        ),
        (
            _hanako,
            _set("profile", "given_name_latin", None),
            "profile.given_name_latin: must not be null",
        ),
    ],
)
def test_a_bad_value_is_reported_on_its_line(tmp_path, where, change, message):
    index = _index(where)
    lines = lines_of(FILINGS.read_text("utf-8"))
    record = json.loads(lines[index])
    change(record)
    lines[index] = json.dumps(record, ensure_ascii=False)
    assert _errors(tmp_path, text_of(lines)) == [f"line {index + 1}: {message}"]


def test_parents_must_come_before_their_children(tmp_path):
    lines = lines_of(FILINGS.read_text("utf-8"))
    programme = _index(lambda r: r.get("code") == "ARF-QUANTUM-2027")
    moved = lines.pop(programme)
    lines.append(moved)
    application = _index(lambda r: r.get("programme") == "ARF-QUANTUM-2027")
    assert _errors(tmp_path, text_of(lines)) == [
        # the application is one line higher now the programme line has moved
        f"line {application}: programme 'ARF-QUANTUM-2027' is defined on line {len(lines)}; "
        "it must come before the lines that refer to it"
    ]


def test_versions_of_an_application_come_in_order(tmp_path):
    lines = lines_of(FILINGS.read_text("utf-8"))
    second = _index(lambda r: r.get("number") == 2)
    lines[second - 1], lines[second] = lines[second], lines[second - 1]
    errors = _errors(tmp_path, text_of(lines))
    assert errors[0].startswith(f"line {second}: based_on: version 1 of application")
    assert errors[1].startswith(f"line {second + 1}: version 1 of application")
    assert errors[1].endswith("comes after version 2; versions must be in increasing order")


def test_one_bad_line_at_the_end_stops_the_whole_file(tmp_path):
    text = FILINGS.read_text("utf-8") + '{"type":"agency","format_version":1}\n'
    errors = _errors(tmp_path, text)
    count = len(lines_of(text))
    assert errors == [
        f"line {count}: short_name: missing",
        f"line {count}: name: missing",
        f"line {count}: country: missing",
    ]


def test_not_a_number_and_invalid_utf8_are_refused(tmp_path):
    path = tmp_path / "filings.jsonl"
    path.write_bytes(
        b'{"type":"institution","format_version":NaN}\n'
        b'{"type":"institution","name":"\xff"}\n'
        b'{"type":"institution","format_version":1,"name":"A","name_local":"",'
        b'"ror_id":"","country":"JP","x":Infinity}\n'
    )
    assert _errors_of(path) == [
        "line 1: invalid JSON: NaN is not a JSON number",
        "line 2: not UTF-8 text (byte 31)",
        "line 3: invalid JSON: Infinity is not a JSON number",
    ]

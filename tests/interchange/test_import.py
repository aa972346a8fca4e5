"""Upserts by natural key, idempotent re-imports, and conflicts that roll everything back."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosures.content import content_fingerprint
from disclosures.models import DeclarationVersion, SupportItem
from funding.models import Application
from tests.factories import (
    ResearcherProfileFactory,
    certify,
    fill_draft,
    researcher,
    start_application,
)

from .helpers import (
    FIXTURES,
    database_counts,
    empty_database,
    export,
    import_path,
    import_text,
    lines_of,
    text_of,
)

pytestmark = pytest.mark.django_db

FILINGS = FIXTURES / "filings.jsonl"


def _fail(tmp_path, text: str, *args) -> tuple[CommandError, list[str]]:
    path = tmp_path / "bad.jsonl"
    path.write_text(text, encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_filings", str(path), *args, stdout=io.StringIO(), stderr=stderr)
    assert failure.value.returncode == 1
    return failure.value, stderr.getvalue().splitlines()


def _edit(text: str, index: int, change) -> str:
    """Apply ``change`` to the record on line ``index`` (0-based)."""
    lines = lines_of(text)
    record = json.loads(lines[index])
    change(record)
    lines[index] = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return text_of(lines)


def _line_of(text: str, predicate) -> int:
    return next(i for i, line in enumerate(lines_of(text)) if predicate(json.loads(line)))


def test_importing_the_same_file_again_changes_nothing():
    import_path(FILINGS)
    counts = database_counts()
    stamps = list(Application.objects.order_by("pk").values_list("pk", "updated_at"))
    rows = list(SupportItem.objects.order_by("pk").values_list("pk", "key"))

    output = import_path(FILINGS)

    assert " 0 created, 0 updated" in output and "created, 0 updated, 0 unchanged" not in output
    for line in output.splitlines()[1:7]:
        assert ": 0 created, 0 updated, " in line
    assert database_counts() == counts
    assert list(Application.objects.order_by("pk").values_list("pk", "updated_at")) == stamps
    assert list(SupportItem.objects.order_by("pk").values_list("pk", "key")) == rows


def test_a_newer_file_updates_mutable_records(tmp_path):
    import_path(FILINGS)
    text = FILINGS.read_text("utf-8")
    hanako = _line_of(text, lambda r: r.get("username") == "yamada.hanako")
    draft = _line_of(text, lambda r: r.get("number") == 3)
    text = _edit(text, hanako, lambda r: r.update(email="hanako@minami.example"))
    text = _edit(
        text,
        draft,
        lambda r: r["sections"]["support"][0].update(total_amount="1.50", title="更新"),
    )

    output = import_text(tmp_path, text)

    assert "researcher: 0 created, 1 updated, 1 unchanged" in output
    assert "declaration_version: 0 created, 1 updated, 4 unchanged" in output
    row = SupportItem.objects.get(version__number=3)
    assert (row.title, str(row.total_amount)) == ("更新", "1.50")
    assert row.key == SupportItem.objects.get(version__number=2).key
    assert export() == text


def test_a_draft_certified_since_the_last_import_is_certified_on_import(tmp_path):
    user = researcher(username="sato.ken")
    application = start_application(user)
    draft = fill_draft(application.declaration.versions.get())
    before = export()
    certify(draft)
    after = export()
    empty_database()

    import_text(tmp_path, before)
    assert DeclarationVersion.objects.get().is_draft
    output = import_text(tmp_path, after)

    assert "declaration_version: 0 created, 1 updated, 0 unchanged" in output
    version = DeclarationVersion.objects.get()
    assert version.is_certified and version.fingerprint == content_fingerprint(version.content)
    assert export() == after


def test_a_certified_version_is_never_overwritten(tmp_path):
    import_path(FILINGS)
    text = FILINGS.read_text("utf-8")
    index = _line_of(text, lambda r: r.get("number") == 1 and r.get("status") == "certified")

    def rewrite(record):
        # A consistent but different certified version: rows, content and fingerprint.
        record["sections"]["support"][0]["title"] = "Something else"
        content = record["certification"]["content"]
        content["sections"] = record["sections"]
        record["certification"]["fingerprint"] = content_fingerprint(content)

    counts = database_counts()
    _error, errors = _fail(tmp_path, _edit(text, index, rewrite))

    assert len(errors) == 1
    assert errors[0].startswith(f"line {index + 1}: version 1 is certified in the database")
    assert "never overwritten" in errors[0]
    assert database_counts() == counts
    assert SupportItem.objects.filter(title="Something else").count() == 0


def test_a_certified_version_cannot_become_a_draft_again(tmp_path):
    import_path(FILINGS)
    text = FILINGS.read_text("utf-8")
    # The second application's one version, prefilled from the first's version 2.
    index = _line_of(
        text,
        lambda r: r.get("status") == "certified" and (r["based_on"] or {}).get("number") == 2,
    )

    def demote(record):
        record["status"], record["certification"] = "draft", None

    _error, errors = _fail(tmp_path, _edit(text, index, demote))
    assert errors == [
        f"line {index + 1}: version 1 is certified in the database; a draft cannot replace it"
    ]


def test_a_conflict_found_while_writing_rolls_back_every_earlier_line(tmp_path):
    ResearcherProfileFactory(user__username="someone.else", orcid="0000-0002-1825-0097")
    counts = database_counts()
    text = FILINGS.read_text("utf-8")
    index = _line_of(text, lambda r: r.get("username") == "yamada.hanako")

    _error, errors = _fail(tmp_path, text)

    assert errors == [
        f"line {index + 1}: ORCID iD '0000-0002-1825-0097' belongs to user 'someone.else' "
        "in the database"
    ]
    assert database_counts() == counts  # not even the institutions of lines 1-2


def test_parents_may_already_be_in_the_database(tmp_path):
    import_path(FILINGS)
    text = FILINGS.read_text("utf-8")
    # Only the applications and their versions: their parents are found in the database.
    children = [line for line in lines_of(text) if '"type":"application"' in line[:30]]
    children += [line for line in lines_of(text) if '"type":"declaration_version"' in line[:40]]
    children.sort(key=lines_of(text).index)
    counts = database_counts()

    output = import_text(tmp_path, text_of(children))

    assert "application: 0 created, 0 updated, 3 unchanged" in output
    assert database_counts() == counts


def test_dry_run_checks_against_the_database_and_writes_nothing(tmp_path):
    output = import_path(FILINGS, "--dry-run")
    assert "would import" in output and "application: 3 created" in output
    assert database_counts()["Application"] == 0


def test_standard_input(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(FILINGS.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    out = io.StringIO()
    call_command("import_filings", "-", stdout=out)
    assert "application: 3 created" in out.getvalue()


def test_a_certified_version_whose_certifier_is_unknown_keeps_a_null_certifier(tmp_path):
    text = FILINGS.read_text("utf-8")
    index = _line_of(text, lambda r: r.get("status") == "certified")
    text = _edit(text, index, lambda r: r["certification"].update(certified_by=None))

    import_text(tmp_path, text)

    assert DeclarationVersion.objects.certified().filter(certified_by__isnull=True).count() == 1
    assert export() == text

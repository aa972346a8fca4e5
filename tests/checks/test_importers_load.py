"""Loading reference files as snapshots: all rows or nothing, each file once."""

import csv
import datetime
import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from checks.importers import ReferenceImportError
from checks.importers.csl import COLUMNS as CSL_COLUMNS
from checks.importers.load import snapshot_load
from checks.models import Evidence, ListedEntity, RegistryOrganisation, Snapshot
from tests.factories import InstitutionFactory, UserFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reference"
PUBLISHED = datetime.date(2025, 1, 15)

pytestmark = pytest.mark.django_db

GOOD = [
    # kind, fixture, model, rows
    (Snapshot.Kind.CSL, "csl_consolidated.csv", ListedEntity, 4),
    (Snapshot.Kind.METI_EUL, "meti_eul.csv", ListedEntity, 10),
    (Snapshot.Kind.METI_EUL, "meti_eul.pdf", ListedEntity, 10),
    (Snapshot.Kind.OPENSANCTIONS, "opensanctions_entities.ftm.json", ListedEntity, 4),
    (Snapshot.Kind.ROR, "ror_dump_v2.json", RegistryOrganisation, 5),
    (Snapshot.Kind.ORCID, "orcid_record.json", Evidence, 4),
    (Snapshot.Kind.CROSSREF, "crossref_work.json", Evidence, 4),
    (Snapshot.Kind.OPENALEX, "openalex_works.jsonl", Evidence, 5),
    (Snapshot.Kind.OUTSIDE_POSTS, "outside_posts.csv", Evidence, 4),
]
BROKEN = [
    (Snapshot.Kind.CSL, "csl_broken.csv", [3, 4, 5]),
    (Snapshot.Kind.METI_EUL, "meti_eul_broken.csv", [3, 4]),
    (Snapshot.Kind.OPENSANCTIONS, "opensanctions_broken.ftm.json", [2, 3, 4]),
    (Snapshot.Kind.ROR, "ror_broken.json", [2, 3]),
    (Snapshot.Kind.ORCID, "orcid_broken.jsonl", [2, 3, 4]),
    (Snapshot.Kind.CROSSREF, "crossref_broken.jsonl", [2, 3]),
    (Snapshot.Kind.OPENALEX, "openalex_broken.jsonl", [2, 3]),
    (Snapshot.Kind.OUTSIDE_POSTS, "outside_posts_broken.csv", [2, 3, 4, 5]),
]


def counts():
    return (
        Snapshot.objects.count(),
        ListedEntity.objects.count(),
        RegistryOrganisation.objects.count(),
        Evidence.objects.count(),
    )


@pytest.fixture
def institution():
    return InstitutionFactory()


def load(kind, name, **kwargs):
    return snapshot_load(
        kind=kind,
        file=FIXTURES / name,
        source_name=name,
        published_on=PUBLISHED,
        **kwargs,
    )


@pytest.mark.parametrize(("kind", "name", "model", "rows"), GOOD, ids=[g[1] for g in GOOD])
def test_each_format_loads_its_rows_once(kind, name, model, rows, institution):
    if kind != Snapshot.Kind.OUTSIDE_POSTS:
        institution = None
    result = load(kind, name, institution=institution)
    snapshot = result.snapshot
    assert result.created and not result.already_loaded
    assert snapshot.kind == kind
    assert snapshot.row_count == rows == model.objects.filter(snapshot=snapshot).count()
    assert snapshot.sha256 == hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest()
    assert snapshot.published_on == PUBLISHED
    assert snapshot.source == name

    before = counts()
    again = load(kind, name, institution=institution)
    assert again.already_loaded
    assert again.snapshot.pk == snapshot.pk
    assert counts() == before


@pytest.mark.parametrize(("kind", "name", "lines"), BROKEN, ids=[b[1] for b in BROKEN])
def test_a_broken_file_changes_nothing(kind, name, lines, institution):
    load(Snapshot.Kind.ROR, "ror_dump_v2.json")  # something already there
    before = counts()
    with pytest.raises(ReferenceImportError) as caught:
        load(kind, name, institution=institution)
    assert [e.line for e in caught.value.errors] == lines
    assert caught.value.total == len(lines)
    assert counts() == before


def test_a_missing_column_changes_nothing():
    before = counts()
    no_wmd = b"no,country_or_region,name,name_ja,also_known_as\n1,China,A Co.,,\n"
    with pytest.raises(ReferenceImportError) as caught:
        snapshot_load(kind="meti_eul", file=no_wmd, source_name="eul.csv", published_on=PUBLISHED)
    assert caught.value.errors == [(1, "missing column 'type_of_wmd'")]
    assert str(caught.value) == (
        "1 error; nothing was loaded:\nline 1: missing column 'type_of_wmd'"
    )
    assert counts() == before


def test_an_open_file_and_a_gzip_file(tmp_path):
    import gzip

    with open(FIXTURES / "orcid_broken.jsonl", "rb") as f, pytest.raises(ReferenceImportError):
        snapshot_load(kind="orcid", file=f, source_name="x.jsonl", published_on=PUBLISHED)
    raw = gzip.compress((FIXTURES / "openalex_works.jsonl").read_bytes())
    path = tmp_path / "part_000.gz"
    path.write_bytes(raw)
    result = snapshot_load(kind="openalex", file=path, source_name="", published_on=PUBLISHED)
    assert result.snapshot.row_count == 5
    assert result.snapshot.source == "part_000.gz"
    assert result.snapshot.sha256 == hashlib.sha256(raw).hexdigest()  # of the file as given


def test_stored_listed_entities():
    load(Snapshot.Kind.CSL, "csl_consolidated.csv")
    star = ListedEntity.objects.get(name="Eastern Star Precision Optics Co., Ltd.")
    assert star.aliases == ["ESPO", "Dongxing Optics", "东星精密光学有限公司"]
    assert star.country == "CN"
    assert star.line == 2
    assert star.details["list"].startswith("Entity List")
    # People are skipped, not stored, and nothing about a person is kept.
    assert not ListedEntity.objects.filter(name__icontains="TESTPERSON").exists()
    assert not ListedEntity.objects.filter(name__icontains="EXAMPLEMAN").exists()
    assert not ListedEntity.objects.filter(details__has_key="citizenships").exists()

    load(Snapshot.Kind.METI_EUL, "meti_eul.pdf")
    dongfang = ListedEntity.objects.get(snapshot__kind="meti_eul", source_id="1")
    assert dongfang.details["name_ja"] == "東方精密機械研究所"
    assert "東方精密機械研究所" in dongfang.aliases
    assert dongfang.programs == "M"


def test_pdf_and_csv_of_the_meti_list_are_two_snapshots_with_the_same_entries():
    from_csv = load(Snapshot.Kind.METI_EUL, "meti_eul.csv").snapshot
    from_pdf = load(Snapshot.Kind.METI_EUL, "meti_eul.pdf").snapshot
    assert from_csv.pk != from_pdf.pk

    def entries(snapshot):
        return list(
            snapshot.entities.order_by("source_id").values_list(
                "source_id", "name", "aliases", "country", "programs", "details"
            )
        )

    assert entries(from_csv) == entries(from_pdf)


def test_stored_registry_organisations_and_evidence():
    load(Snapshot.Kind.ROR, "ror_dump_v2.json")
    kita = RegistryOrganisation.objects.get(ror_id="0kta7dg85")
    assert kita.name == "Kita University"
    assert {"value": "北大学", "lang": "ja", "types": ["label"]} in kita.names
    assert kita.related[0]["ror_id"] == "0kt8p3h56"

    load(Snapshot.Kind.ORCID, "orcid_record.json")
    funding = Evidence.objects.get(kind=Evidence.Kind.FUNDING)
    assert funding.orcid == "0000-0002-1234-5677"
    assert funding.award_id == "NSFC-6219-0042"
    assert funding.end_date == datetime.date(2024, 2, 29)


def test_outside_posts_belong_to_the_institution_that_loads_them(institution):
    user = UserFactory()
    result = load(
        Snapshot.Kind.OUTSIDE_POSTS, "outside_posts.csv", institution=institution, user=user
    )
    assert result.snapshot.institution == institution
    assert result.snapshot.loaded_by == user
    post = Evidence.objects.get(researcher_number="12345678")
    assert post.kind == Evidence.Kind.OUTSIDE_POST
    assert post.details["post_kind"] == "consulting"

    with pytest.raises(ValueError, match="pass institution"):
        snapshot_load(
            kind=Snapshot.Kind.OUTSIDE_POSTS,
            file=FIXTURES / "outside_posts.csv",
            source_name="outside_posts.csv",
            published_on=PUBLISHED,
        )
    # The same file from another institution is not quietly taken as theirs.
    with pytest.raises(ReferenceImportError, match="another institution"):
        load(Snapshot.Kind.OUTSIDE_POSTS, "outside_posts.csv", institution=InstitutionFactory())


def test_an_upload_and_more_rows_than_one_batch():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSL_COLUMNS)
    for i in range(2101):
        row = dict.fromkeys(CSL_COLUMNS, "")
        row.update(_id=f"id{i}", source="Entity List", name=f"Example Works No. {i}")
        row["addresses"] = "1 Road, Shanghai, China"
        writer.writerow([row[c] for c in CSL_COLUMNS])
    upload = SimpleUploadedFile("consolidated.csv", out.getvalue().encode(), "text/csv")
    result = snapshot_load(
        kind="csl", file=upload, source_name=upload.name, published_on="2025-02-01"
    )
    assert result.snapshot.row_count == 2101
    assert ListedEntity.objects.filter(snapshot=result.snapshot, country="CN").count() == 2101
    assert ListedEntity.objects.get(source_id="id2100").line == 2102


def test_command_prints_the_snapshot_and_queues_the_recheck(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command(
            "load_reference",
            "ror",
            str(FIXTURES / "ror_dump_v2.json"),
            "--published-on",
            "2025-01-15",
        )
    out = capsys.readouterr().out
    snapshot = Snapshot.objects.get()
    assert f"Loaded snapshot {snapshot.pk}: ror, 5 rows, 1 skipped, sha256 {snapshot.sha256}" in out
    assert "queued for a re-check" in out
    assert len(callbacks) == 1

    call_command(
        "load_reference", "ror", str(FIXTURES / "ror_dump_v2.json"), "--published-on", "2025-01-15"
    )
    assert "Already loaded" in capsys.readouterr().out
    assert Snapshot.objects.count() == 1


def test_command_meti_pdf_and_institution(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command(
            "load_reference",
            "meti_eul",
            str(FIXTURES / "meti_eul.pdf"),
            "--published-on",
            "2025-01-15",
            "--format",
            "pdf",
            "--no-recheck",
        )
    assert callbacks == []
    assert "meti_eul, 10 rows" in capsys.readouterr().out
    institution = InstitutionFactory()
    with pytest.raises(CommandError, match="give --institution"):
        call_command(
            "load_reference",
            "outside_posts",
            str(FIXTURES / "outside_posts.csv"),
            "--published-on",
            "2025-01-15",
        )
    call_command(
        "load_reference",
        "outside_posts",
        str(FIXTURES / "outside_posts.csv"),
        "--published-on",
        "2025-01-15",
        "--institution",
        str(institution.pk),
    )
    assert Snapshot.objects.get(kind="outside_posts").institution == institution


def test_command_lists_numbered_errors_and_exits_1(capsys):
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command(
            "load_reference",
            "csl",
            str(FIXTURES / "csl_broken.csv"),
            "--published-on",
            "2025-01-15",
        )
    assert caught.value.returncode == 1
    err = capsys.readouterr().err
    assert "csl_broken.csv: 3 errors; nothing was loaded." in err
    assert "   1. line 3: column 'name' is empty" in err
    assert "   2. line 4: end date 2020-01-01 is before start date 2021-01-01" in err
    assert counts() == before

    with pytest.raises(CommandError, match="does not apply"):
        call_command(
            "load_reference",
            "csl",
            str(FIXTURES / "csl_consolidated.csv"),
            "--published-on",
            "2025-01-15",
            "--format",
            "pdf",
        )
    with pytest.raises(CommandError, match="not a date"):
        call_command(
            "load_reference", "csl", str(FIXTURES / "csl_consolidated.csv"), "--published-on", "x"
        )

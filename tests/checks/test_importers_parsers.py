"""The reference-data parsers: pure functions over bytes, no database."""

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest

from checks.importers import (
    MAX_ERRORS,
    ReferenceImportError,
    RowError,
    parse_crossref,
    parse_csl,
    parse_meti,
    parse_meti_csv,
    parse_meti_pdf,
    parse_openalex,
    parse_opensanctions,
    parse_orcid,
    parse_outside_posts,
    parse_ror,
)
from checks.importers.base import clean_ror_id, partial_date
from checks.importers.countries import country_code
from checks.importers.csl import COLUMNS as CSL_COLUMNS
from checks.importers.meti import split_aliases
from checks.models import Evidence

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reference"


def data(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by(rows, key):
    return {row[key]: row for row in rows}


# --- US Consolidated Screening List ---------------------------------------------------


def test_csl_keeps_organisations_with_aliases_and_iso_countries():
    result = parse_csl(data("csl_consolidated.csv"))
    assert result.ok
    rows = by(result.rows, "name")
    assert list(rows) == [
        "Eastern Star Precision Optics Co., Ltd.",
        "Caspian Horizon Trading LLC",
        "Northern Lights Semiconductor Institute",
        "Atlantis Dynamics Research Centre",
    ]
    star = rows["Eastern Star Precision Optics Co., Ltd."]
    assert star["aliases"] == ["ESPO", "Dongxing Optics", "东星精密光学有限公司"]
    assert star["country"] == "CN"  # "..., Beijing, 100080, China"
    assert star["entity_type"] == "Entity"  # the Entity List leaves the type empty
    assert star["source_id"] == "c1f0a8e2d1"  # no entity_number: the row's _id
    assert star["details"]["list"] == "Entity List (EL) - Bureau of Industry and Security"
    assert star["details"]["start_date"] == "2024-02-20"
    caspian = rows["Caspian Horizon Trading LLC"]
    assert caspian["source_id"] == "99001"
    assert caspian["programs"] == "IRAN; NPWMD"
    assert caspian["country"] == "AE"  # an ISO code as the last part
    # The first of several addresses; a country that does not exist gives no code.
    assert rows["Northern Lights Semiconductor Institute"]["country"] == "RU"
    assert rows["Atlantis Dynamics Research Centre"]["country"] == ""


def test_csl_skips_people_vessels_and_never_reads_personal_data():
    result = parse_csl(data("csl_consolidated.csv"))
    # An Individual, a Vessel and a Denied Persons row with a date of birth.
    assert result.skipped == 3
    text = json.dumps(result.rows, ensure_ascii=False)
    assert "TESTPERSON" not in text and "EXAMPLEMAN" not in text and "OCEAN FICTION" not in text
    for row in result.rows:
        assert not {"citizenships", "nationalities", "dates_of_birth", "places_of_birth"} & set(
            row["details"]
        )


def test_csl_line_numbers_count_quoted_line_breaks():
    rows = by(parse_csl(data("csl_consolidated.csv")).rows, "name")
    assert rows["Caspian Horizon Trading LLC"]["line"] == 3
    # Row 3's remarks span two lines, so the fifth record starts on line 7.
    assert rows["Northern Lights Semiconductor Institute"]["line"] == 7


def test_csl_errors_name_their_lines():
    result = parse_csl(data("csl_broken.csv"))
    assert result.errors == [
        (3, "column 'name' is empty"),
        (4, "end date 2020-01-01 is before start date 2021-01-01"),
        (5, "column 'start_date': '2021-13-45' is not a date (YYYY-MM-DD)"),
    ]
    assert result.messages[1] == "line 4: end date 2020-01-01 is before start date 2021-01-01"


def test_csl_missing_column_and_wrong_field_count():
    header = [c for c in CSL_COLUMNS if c != "name"]
    out = io.StringIO()
    csv.writer(out).writerows([header, ["x"] * len(header)])
    assert parse_csl(out.getvalue().encode()).errors == [(1, "missing column 'name'")]

    out = io.StringIO()
    csv.writer(out).writerows([CSL_COLUMNS, ["1", "EL", "", "", "", "Short Row Ltd"]])
    assert parse_csl(out.getvalue().encode()).errors == [
        (2, f"expected {len(CSL_COLUMNS)} fields, found 6")
    ]


def test_error_list_is_capped_with_a_count_of_the_rest():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSL_COLUMNS)
    for i in range(60):
        writer.writerow([str(i), "EL", "", "Entity"] + [""] * (len(CSL_COLUMNS) - 4))
    result = parse_csl(out.getvalue().encode())
    assert result.error_count == 60
    assert len(result.errors) == MAX_ERRORS == 50
    with pytest.raises(ReferenceImportError) as caught:
        result.raise_if_errors()
    assert caught.value.total == 60
    assert len(caught.value.errors) == 50
    assert caught.value.messages[0] == "line 2: column 'name' is empty"
    assert caught.value.messages[-1] == "... and 10 more"
    assert len(caught.value.messages) == 51


# --- METI End User List ---------------------------------------------------------------


def test_meti_csv_reads_bilingual_entries():
    result = parse_meti_csv(data("meti_eul.csv"))
    assert result.ok
    assert len(result.rows) == 10
    rows = by(result.rows, "source_id")
    first = rows["1"]
    assert first["name"] == "Dongfang Precision Machinery Research Institute"
    assert first["details"]["name_ja"] == "東方精密機械研究所"
    assert first["aliases"] == [
        "DPMRI",
        "Eastern Precision Machinery Institute",
        "東方精密機械研究所",
    ]
    assert first["programs"] == "M"
    assert first["details"]["wmd"] == ["missile"]
    # Aliases on separate lines of one cell.
    assert rows["2"]["aliases"] == ["PAMCO", "Parsian Materials Co.", "パルシアン先端材料社"]
    assert rows["3"]["programs"] == "B, C, M, N"
    countries = {no: row["country"] for no, row in rows.items()}
    assert countries == {
        "1": "CN",
        "2": "IR",
        "3": "KP",
        "4": "AE",
        "5": "PK",
        "6": "HK",
        "7": "TW",
        "8": "SY",
        "9": "RU",
        "10": "KG",
    }


def test_meti_pdf_reads_the_same_entries_as_the_csv():
    from_pdf = parse_meti_pdf(data("meti_eul.pdf"))
    from_csv = parse_meti_csv(data("meti_eul.csv"))
    assert from_pdf.ok, from_pdf.messages

    def comparable(rows):
        return [{k: v for k, v in row.items() if k != "line"} for row in rows]

    assert comparable(from_pdf.rows) == comparable(from_csv.rows)
    # The fixture's table runs over two pages; wrapped names and aliases are joined again.
    pakistan = by(from_pdf.rows, "source_id")["5"]
    assert pakistan["name"] == (
        "Indus Example Engineering Works (Private) Limited, Special Projects Division"
    )
    assert (
        pakistan["details"]["name_ja"]
        == "インダス・エグザンプル・エンジニアリング・ワークス特別事業部"
    )
    assert "Eastern Precision Machinery Institute" in by(from_pdf.rows, "source_id")["1"]["aliases"]


def test_meti_format_is_detected_from_the_bytes():
    assert len(parse_meti(data("meti_eul.pdf")).rows) == 10
    assert len(parse_meti(data("meti_eul.csv")).rows) == 10
    assert parse_meti(data("meti_eul.csv"), "pdf").errors == [(1, "the file is not a PDF")]


def test_meti_csv_from_japanese_excel_cp932():
    text = data("meti_eul.csv").decode("utf-8")
    result = parse_meti_csv(text.encode("cp932"))
    assert result.ok
    assert by(result.rows, "source_id")["7"]["details"]["name_ja"] == "フォルモサ・エグザンプル計器"


def test_meti_errors():
    assert parse_meti_csv(data("meti_eul_broken.csv")).errors == [
        (3, "type of WMD X is not one of B, C, M, N (column 'type_of_wmd')"),
        (4, "column 'name' is empty"),
    ]
    no_wmd = b"no,country_or_region,name,name_ja,also_known_as\n1,China,A Co.,,,\n"
    assert parse_meti_csv(no_wmd).errors == [(1, "missing column 'type_of_wmd'")]


def test_alias_cells():
    assert split_aliases("A Co.; B Co.") == ["A Co.", "B Co."]
    assert split_aliases("A Co.\nB Co.") == ["A Co.", "B Co."]
    # With bullets, a line without one continues the entry above it.
    assert split_aliases("- Long Example Name\nContinued\n- Short") == [
        "Long Example Name Continued",
        "Short",
    ]
    assert split_aliases("・甲社\n・乙社") == ["甲社", "乙社"]


# --- OpenSanctions --------------------------------------------------------------------


def test_opensanctions_keeps_organisations_only():
    result = parse_opensanctions(data("opensanctions_entities.ftm.json"))
    assert result.ok
    assert result.skipped == 2  # a Person and a Sanction
    rows = by(result.rows, "source_id")
    assert list(rows) == [
        "fict-co-tianhe",
        "fict-org-zagros",
        "fict-body-ministry",
        "fict-le-harbour",
    ]
    tianhe = rows["fict-co-tianhe"]
    assert tianhe["name"] == "Tianhe Fiction Electronics Co., Ltd."
    assert tianhe["aliases"] == [
        "天河虚构电子有限公司",
        "Tianhe Electronics",
        "TFE",
        "Tianhe Radio Factory No. 9",
    ]
    assert tianhe["country"] == "CN"
    assert tianhe["programs"] == "sanction, export.control, US-BIS-EL"
    assert tianhe["entity_type"] == "Company"
    assert tianhe["details"]["datasets"] == ["us_trade_csl", "us_bis_el"]
    assert tianhe["line"] == 1
    assert rows["fict-org-zagros"]["country"] == "IR"  # from the jurisdiction
    assert rows["fict-le-harbour"]["line"] == 7  # blank line 6 is skipped, not renumbered
    assert "Example Fictitious Person" not in json.dumps(result.rows)


def test_opensanctions_errors():
    result = parse_opensanctions(data("opensanctions_broken.ftm.json"))
    assert [e.line for e in result.errors] == [2, 3, 4]
    assert result.errors[0].message.startswith("not valid JSON at column")
    assert result.messages[1:] == [
        "line 3 (fict-co-noname): the entity has no name",
        "line 4 (fict-co-alias): property 'alias' is not a list of strings",
    ]


# --- ROR ------------------------------------------------------------------------------


def test_ror_dump():
    result = parse_ror(data("ror_dump_v2.json"))
    assert result.ok
    assert result.skipped == 1  # the withdrawn record
    rows = by(result.rows, "ror_id")
    assert list(rows) == ["0kta7dg85", "0kt8p3h56", "0mnm2m131", "0nrth3e52", "0tk4ym235"]
    kita = rows["0kta7dg85"]
    assert kita["name"] == "Kita University"
    assert kita["country"] == "JP"
    assert {"value": "北大学", "lang": "ja", "types": ["label"]} in kita["names"]
    assert {"value": "KU", "lang": None, "types": ["acronym"]} in kita["names"]
    assert kita["related"] == [
        {"type": "child", "ror_id": "0kt8p3h56", "label": "Kita University Hospital"}
    ]
    assert rows["0nrth3e52"]["country"] == "CN"
    assert rows["0tk4ym235"]["related"][0]["type"] == "successor"  # inactive, kept


def test_ror_zip_dump_reads_the_v2_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("v1.99-2025-01-01-ror-data.json", "[]")
        archive.writestr("v1.99-2025-01-01-ror-data_schema_v2.json", data("ror_dump_v2.json"))
    assert len(parse_ror(buffer.getvalue()).rows) == 5


def test_ror_errors():
    result = parse_ror(data("ror_broken.json"))
    assert result.messages == [
        "record 2 (https://ror.org/0kta7dg86): 'id' is not a valid ROR id",
        "record 3 (https://ror.org/0mnm2m131): no name has the type 'ror_display'",
    ]
    record = {
        "id": "https://ror.org/0kta7dg85",
        "names": [{"value": "K", "types": ["ror_display"]}],
    }
    twice = json.dumps([record, record]).encode()
    assert parse_ror(twice).errors == [(2, "ROR id 0kta7dg85 appears twice (first at record 1)")]


def test_ror_ids_have_a_checksum():
    assert clean_ror_id("https://ror.org/05dxps055") == "05dxps055"
    assert clean_ror_id("0KTA7DG85") == "0kta7dg85"
    assert clean_ror_id("05dxps056") is None
    assert clean_ror_id("05dxps05") is None


# --- ORCID ----------------------------------------------------------------------------


def test_orcid_record():
    result = parse_orcid(data("orcid_record.json"))
    assert result.ok
    assert [r["kind"] for r in result.rows] == [
        Evidence.Kind.EMPLOYMENT,
        Evidence.Kind.EMPLOYMENT,
        Evidence.Kind.INVITED_POSITION,
        Evidence.Kind.FUNDING,
    ]
    assert {r["orcid"] for r in result.rows} == {"0000-0002-1234-5677"}
    kita, adjunct, visiting, grant = result.rows
    assert kita["organisation_name"] == "Kita University"
    assert kita["organisation_country"] == "JP"
    assert kita["title"] == "Associate Professor"
    assert kita["start_date"] == datetime.date(2019, 4, 1)
    assert kita["end_date"] is None
    assert kita["details"]["organisation_id"] == {
        "source": "ROR",
        "id": "https://ror.org/0kta7dg85",
    }
    assert kita["details"]["department"] == "Graduate School of Engineering"
    # Partial dates: a month starts on its first day and ends on its last.
    assert (adjunct["start_date"], adjunct["end_date"]) == (
        datetime.date(2020, 9, 1),
        datetime.date(2023, 2, 28),
    )
    # A year alone: 1 January to 31 December.
    assert (visiting["start_date"], visiting["end_date"]) == (
        datetime.date(2018, 1, 1),
        datetime.date(2018, 12, 31),
    )
    assert visiting["organisation_country"] == "AZ"
    assert grant["title"] == "Thin-film sensors for harsh environments"
    assert grant["award_id"] == "NSFC-6219-0042"
    assert grant["organisation_name"] == "Northeast Sample Science Fund"
    assert grant["end_date"] == datetime.date(2024, 2, 29)
    assert "Exampleda" not in json.dumps(result.rows, default=str)  # no names read


def test_orcid_json_lines_and_arrays_are_numbered():
    record = json.loads(data("orcid_record.json"))
    other = {"orcid-identifier": {"path": "https://orcid.org/0000-0003-1111-222X"}}
    lines = "\n".join(json.dumps(r) for r in (other, record)).encode()
    result = parse_orcid(lines)
    assert {r["line"] for r in result.rows} == {2}
    assert result.skipped == 1  # a record with no activities
    array = json.dumps([other, {**record, "activities-summary": {"employments": []}}]).encode()
    assert parse_orcid(array).messages == [
        "record 2 (0000-0002-1234-5677): 'employments' is not an object"
    ]


def test_orcid_errors():
    result = parse_orcid(data("orcid_broken.jsonl"))
    assert [e.line for e in result.errors] == [2, 3, 4]
    assert result.errors[0].message.startswith("not valid JSON at column")
    assert result.messages[1:] == [
        "line 3 (0000-0005-3333-4442): end date 2020-01-01 is before start date 2021-01-01",
        "line 4 (0000-0001-6666-7770): 'employments.affiliation-group' is not a list",
    ]
    bad_id = b'{"orcid-identifier": {"path": "0000-0002-1234-5678"}}'
    assert parse_orcid(bad_id).messages == [
        "record 1 (0000-0002-1234-5678): 'orcid-identifier.path' '0000-0002-1234-5678' "
        "is not a valid ORCID iD"
    ]


def test_partial_dates():
    assert partial_date("2024", "02", None, end=True) == datetime.date(2024, 2, 29)
    assert partial_date("2023", None, None, end=True) == datetime.date(2023, 12, 31)
    assert partial_date("2023", "11") == datetime.date(2023, 11, 1)
    assert partial_date(None) is None
    with pytest.raises(ValueError, match="'2023-13' is not a date"):
        partial_date("2023", "13")


# --- Crossref and OpenAlex ------------------------------------------------------------


def test_crossref_one_row_per_orcid_author_and_funder():
    result = parse_crossref(data("crossref_work.json"))
    assert result.ok
    pairs = [(r["orcid"], r["organisation_name"]) for r in result.rows]
    assert pairs == [
        ("0000-0002-1234-5677", "Example Foundation for Science"),
        ("0000-0003-1111-222X", "Example Foundation for Science"),
        ("0000-0002-1234-5677", "Northeast Sample Science Fund"),
        ("0000-0003-1111-222X", "Northeast Sample Science Fund"),
    ]
    first = result.rows[0]
    assert first["kind"] == Evidence.Kind.ACKNOWLEDGED_FUNDING
    assert first["award_id"] == "JP21K00001, JP22H00002"
    assert first["doi"] == "10.5555/fict.2023.001"
    assert first["details"]["funder_doi"] == "10.13039/501100009999"
    assert first["details"]["work_title"].startswith("Thin-film sensors")
    assert first["details"]["published"] == "2023-06-15"


def test_crossref_bare_message_and_json_lines():
    message = json.loads(data("crossref_work.json"))["message"]
    assert len(parse_crossref(json.dumps(message).encode()).rows) == 4
    lines = (json.dumps(message) + "\n" + json.dumps({"message": message}) + "\n").encode()
    assert [r["line"] for r in parse_crossref(lines).rows] == [1, 1, 1, 1, 2, 2, 2, 2]


def test_crossref_errors():
    assert parse_crossref(data("crossref_broken.jsonl")).messages == [
        "line 2: 'DOI' is missing",
        "line 3 (10.5555/fict.2023.103): author 1: 'https://orcid.org/0000-0003-1111-2223' "
        "is not a valid ORCID iD",
    ]


def test_openalex_awards_and_legacy_grants():
    result = parse_openalex(data("openalex_works.jsonl"))
    assert result.ok
    assert result.skipped == 1  # the work nobody funded
    rows = [(r["line"], r["orcid"], r["organisation_name"], r["award_id"]) for r in result.rows]
    assert rows == [
        (1, "0000-0002-1234-5677", "Example Foundation for Science", "JP23K00003, JP23K00004"),
        (1, "0000-0004-2222-3336", "Example Foundation for Science", "JP23K00003, JP23K00004"),
        (1, "0000-0002-1234-5677", "Minami Technology Trust", "MTT-2023-07"),
        (1, "0000-0004-2222-3336", "Minami Technology Trust", "MTT-2023-07"),
        (2, "0000-0004-2222-3336", "Fictional Ocean Research Council", "FORC-12"),
    ]
    first = result.rows[0]
    assert first["doi"] == "10.5555/fict.2024.002"
    assert first["details"]["funder_ror"] == "https://ror.org/0nrth3e52"
    assert first["details"]["work_title"] == "Corrosion-resistant coatings for sample reactors"


def test_openalex_list_response():
    works = [json.loads(line) for line in data("openalex_works.jsonl").splitlines()]
    result = parse_openalex(json.dumps({"meta": {"count": 3}, "results": works}).encode())
    assert [r["line"] for r in result.rows] == [1, 1, 1, 1, 2]


def test_openalex_errors():
    result = parse_openalex(data("openalex_broken.jsonl"))
    assert [e.line for e in result.errors] == [2, 3]
    assert result.messages[0] == "line 2 (10.5555/fict.2024.012): 'authorships' is not a list"
    assert result.errors[1].message.startswith("not valid JSON")


# --- Approved outside posts -----------------------------------------------------------


def test_outside_posts():
    result = parse_outside_posts(data("outside_posts.csv"))
    assert result.ok
    assert len(result.rows) == 4
    consulting, visiting, lecturer, committee = result.rows
    assert consulting["kind"] == Evidence.Kind.OUTSIDE_POST
    assert consulting["researcher_number"] == "12345678"
    assert consulting["orcid"] == ""
    assert consulting["details"] == {"post_kind": "consulting", "approved_on": "2023-03-15"}
    assert visiting["orcid"] == "0000-0002-1234-5677"
    assert visiting["end_date"] is None
    assert visiting["organisation_country"] == "CN"
    assert lecturer["orcid"] == "0000-0003-1111-222X"  # from the https://orcid.org/ form
    assert lecturer["organisation_country"] == "JP"  # from "Japan"
    assert committee["organisation_name"] == "Kita Regional Council, Science Committee"


def test_outside_posts_errors():
    assert parse_outside_posts(data("outside_posts_broken.csv")).errors == [
        (2, "give the researcher number or the ORCID iD (both are empty)"),
        (3, "kind 'hobby' is not one of consulting, concurrent_job, appointment, other"),
        (4, "end date 2020-01-01 is before start date 2021-01-01"),
        (5, "researcher number '1234' is not 8 digits"),
    ]


# --- shared pieces --------------------------------------------------------------------


def test_country_names_and_codes():
    assert country_code("China") == "CN"
    assert country_code("cn") == "CN"
    assert country_code("UAE") == "AE"
    assert country_code("Russia") == "RU"
    assert country_code("Korea, North") == "KP"
    assert country_code("100080") == ""  # a postal code is not ISO numeric 100
    assert country_code("Atlantis") == ""


def test_row_errors_are_tuples_that_say_where():
    error = RowError(2, "bad", "record 2 (x)")
    assert error == (2, "bad")
    line, message = error
    assert (line, message, str(error)) == (2, "bad", "record 2 (x): bad")
    assert str(RowError(14, "column 'name' is empty")) == "line 14: column 'name' is empty"


def test_not_utf8_is_an_error_with_its_line():
    assert parse_csl("_id,name\nx,\u00e9\n".encode("latin-1")).errors == [
        (2, "the file is not UTF-8 text (byte 12)")
    ]


def test_json_lines_stream_from_gzip_paths_and_text_files(tmp_path):
    import gzip

    plain = data("opensanctions_entities.ftm.json")
    expected = parse_opensanctions(plain).rows
    assert parse_opensanctions(gzip.compress(plain)).rows == expected
    path = tmp_path / "entities.ftm.json.gz"
    path.write_bytes(gzip.compress(plain))
    assert parse_opensanctions(path).rows == expected
    assert parse_opensanctions(io.StringIO(plain.decode("utf-8"))).rows == expected
    # Blank lines before the first record still count.
    shifted = parse_opensanctions(b"\n\n" + plain)
    assert [r["line"] for r in shifted.rows] == [r["line"] + 2 for r in expected]


def test_a_pretty_printed_single_document_with_an_error_gives_its_line():
    broken = data("crossref_work.json").replace(b'"publisher": "Example Publishing",', b'"x" 1,')
    [error] = parse_crossref(broken).errors
    assert error.line == 10
    assert error.message == "not valid JSON at column 9: Expecting ':' delimiter"


def test_the_pdf_fixture_builder_still_makes_a_pdf_that_reads_like_the_csv():
    pytest.importorskip("weasyprint")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_meti_pdf", FIXTURES / "make_meti_pdf.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    rebuilt = parse_meti_pdf(builder.build_pdf(FIXTURES / "meti_eul.csv"))
    committed = parse_meti_pdf(data("meti_eul.pdf"))
    assert rebuilt.ok and rebuilt.rows == committed.rows

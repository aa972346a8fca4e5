"""Export → import into an empty database → export gives the same bytes."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import User
from disclosures.content import certified_content_is_intact
from disclosures.models import (
    Contract,
    DeclarationVersion,
    OutsideActivity,
    ResearcherProfile,
    SupportItem,
)
from funding.models import Application

from .helpers import (
    FIXTURES,
    TRICKY_TEXT,
    build_filings,
    database_counts,
    empty_database,
    export,
    import_path,
    import_text,
    lines_of,
    records,
)

pytestmark = pytest.mark.django_db


def _certifications():
    return [
        (
            version.declaration.application.title,
            version.number,
            version.certified_at,
            version.certified_by.username,
            version.certified_ip,
            version.certification_statement,
            version.signature,
            version.language,
            version.fingerprint,
        )
        for version in DeclarationVersion.objects.certified()
        .select_related("certified_by", "declaration__application")
        .order_by("certified_at")
    ]


def test_export_import_export_is_byte_identical(tmp_path):
    build_filings()
    exported = tmp_path / "first.jsonl"
    export("--output", str(exported))
    first = exported.read_bytes()
    assert first.decode("utf-8") == export()  # standard output writes the same bytes
    certifications = _certifications()
    counts = database_counts()

    empty_database()
    assert database_counts()["Application"] == 0
    import_path(exported)
    again = tmp_path / "again.jsonl"
    export("--output", str(again))

    assert again.read_bytes() == first
    assert _certifications() == certifications
    # Only the contract PDF is missing: its file was not supplied.
    assert {**database_counts(), "Document": 1} == counts
    for version in DeclarationVersion.objects.certified():
        assert certified_content_is_intact(version)


def test_the_fixture_file_survives_a_round_trip_byte_for_byte():
    path = FIXTURES / "filings.jsonl"
    import_path(path)
    assert export().encode("utf-8") == path.read_bytes()


def test_certified_versions_keep_their_original_certification():
    path = FIXTURES / "filings.jsonl"
    import_path(path)
    certified = [
        r
        for r in records(path.read_text("utf-8"))
        if r["type"] == "declaration_version" and r["status"] == "certified"
    ]
    assert len(certified) == 3
    for record in certified:
        certification = record["certification"]
        version = DeclarationVersion.objects.get(fingerprint=certification["fingerprint"])
        assert version.is_certified
        assert version.certified_at == datetime.datetime.fromisoformat(
            certification["certified_at"]
        )
        assert version.certified_by.username == certification["certified_by"]
        assert version.certified_ip == certification["ip"]
        assert version.signature == certification["signature"]
        assert version.certification_statement == certification["statement"]
        assert version.content == certification["content"]
    assert DeclarationVersion.objects.filter(certified_ip="2001:db8::1").count() == 1


def test_decimals_dates_and_japanese_text_survive_exactly():
    path = FIXTURES / "filings.jsonl"
    text = path.read_text("utf-8")
    # The separator U+2028 sits inside a line: only "\n" ends a line.
    assert "\u2028" in text and len(text.splitlines()) > len(lines_of(text))
    import_path(path)

    application = Application.objects.get(title="歪みの量子センシング(改)")
    assert application.requested_amount == Decimal("9999999999999.99")
    assert application.effort_percent == Decimal("0.01")
    assert application.objectives == TRICKY_TEXT
    assert application.start_date == datetime.date(2027, 4, 1)
    support = SupportItem.objects.filter(version__declaration__application=application)
    first = support.get(version__number=1)
    assert first.total_amount == Decimal("9999999999999.99")
    assert first.effort_percent == Decimal("100.00")
    assert first.person_months == Decimal("12.00")
    assert first.objectives == TRICKY_TEXT
    assert first.organisation_name == "株式会社ひかりセンサー"
    assert support.get(version__number=2).total_amount == Decimal("14500000.50")
    activities = OutsideActivity.objects.filter(version=first.version).order_by("position")
    assert [(a.amount, a.currency) for a in activities] == [(Decimal("0.01"), "JPY"), (None, "")]
    profile = ResearcherProfile.objects.get(user__username="yamada.hanako")
    assert (profile.family_name_kanji, profile.given_name_kana) == ("𠮷田", "はなこ")
    assert profile.orcid == "0000-0002-1825-0097"
    assert [a.is_primary for a in profile.affiliations.all()] == [True, False]

    exported = export()
    for literal in ('"9999999999999.99"', '"0.01"', '"14500000.50"', '"2027-04-01"', "𠮷田"):
        assert literal in exported
    assert TRICKY_TEXT.replace("\n", "\\n") in exported


def test_keys_and_prefill_links_are_kept():
    path = FIXTURES / "filings.jsonl"
    import_path(path)
    first = Application.objects.get(title="歪みの量子センシング(改)")
    v1, v2, v3 = first.declaration.versions.order_by("number")
    assert v2.based_on == v1 and v3.based_on == v2 and v3.is_draft
    assert list(v1.support_items.values_list("key", flat=True)) == list(
        v2.support_items.values_list("key", flat=True)
    )
    second = Application.objects.get(title="Entangled clocks")
    assert second.declaration.versions.get().based_on == v2


def test_imported_users_cannot_sign_in_with_a_password():
    import_path(FIXTURES / "filings.jsonl")
    users = User.objects.all()
    assert {user.username for user in users} == {"yamada.hanako", "suzuki.taro"}
    for user in users:
        assert not user.has_usable_password()
        assert user.role == User.Role.RESEARCHER


def test_contract_rows_without_their_pdf_are_kept_and_reported(tmp_path):
    text = (FIXTURES / "filings.jsonl").read_text("utf-8")
    output = import_text(tmp_path, text)
    assert "3 contract row(s) imported without their PDF" in output
    contracts = Contract.objects.filter(version__status="certified")
    assert contracts.count() == 3
    assert all(contract.document_id is None for contract in contracts)
    # The certified content still names the PDF, so the next export does too.
    assert '"sha256":"' in export()

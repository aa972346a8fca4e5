"""Filings to export, and the commands run as an operator would run them."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from accounts.models import Institution, User
from disclosures.models import (
    SECTIONS,
    Affiliation,
    Declaration,
    DeclarationVersion,
    Document,
    ResearcherProfile,
)
from disclosures.services import declaration_amend, declaration_save_draft, document_store
from funding.models import Agency, Application, Programme
from tests.factories import (
    AffiliationFactory,
    AgencyFactory,
    InstitutionFactory,
    ProgrammeFactory,
    certify,
    fill_draft,
    researcher,
    section_rows,
    start_application,
)
from tests.pdfs import simple_pdf_upload

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "interchange"

# Text that must survive byte for byte: kanji outside the BMP, kana, an emoji, and the
# Unicode line separator (which str.splitlines() would wrongly break a JSON line at).
TRICKY_TEXT = "𠮷野家との共同研究 — ひかり🔬\u2028second line\nthird line"


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_filings", *args, stdout=out)
    return out.getvalue()


def import_text(tmp_path: Path, text: str, *args, name: str = "filings.jsonl") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_path(path, *args)


def import_path(path: Path, *args) -> str:
    out = io.StringIO()
    call_command("import_filings", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def lines_of(text: str) -> list[str]:
    """JSON Lines split at newlines only (str.splitlines() also splits at U+2028)."""
    return text.split("\n")[:-1]


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in lines_of(text) if line]


def text_of(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def database_counts() -> dict[str, int]:
    models = [Institution, Agency, Programme, User, ResearcherProfile, Affiliation, Application]
    models += [Declaration, DeclarationVersion, Document]
    models += [model for model, _related in SECTIONS.values()]
    return {model.__name__: model.objects.count() for model in models}


def empty_database() -> None:
    """Delete every row of every table (but content types and permissions), as if the
    import ran on a new portal. Raw SQL, because the model layer (and on PostgreSQL a
    trigger) rightly refuses to delete certified versions: TRUNCATE fires no row trigger."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.label not in ("contenttypes.ContentType", "auth.Permission")
        }
    )
    quoted = [connection.ops.quote_name(table) for table in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(quoted)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for table in quoted:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def _rows_with_keys(version) -> dict[str, list[dict]]:
    """The rows of a draft as the form would post them back, keys kept."""
    sections = {}
    for section, (model, related_name) in SECTIONS.items():
        sections[section] = [
            {"key": item.key, **{name: getattr(item, name) for name in model.content_fields}}
            for item in getattr(version, related_name).all()
        ]
    return sections


def _save(version, sections, **application_changes):
    application = version.declaration.application
    data = {
        name: getattr(application, name)
        for name in (
            "title",
            "objectives",
            "start_date",
            "end_date",
            "requested_amount",
            "currency",
            "effort_percent",
        )
    }
    data.update(application_changes)
    return declaration_save_draft(
        version=version,
        expected_revision=version.revision,
        application_data=data,
        sections=sections,
    )


def build_filings() -> dict:
    """Three applications of two researchers, covering every section, both statuses,
    amendments that keep row keys, a declaration prefilled from another one, a contract
    PDF, extreme decimals and Japanese text."""
    kita = InstitutionFactory(
        name="Kita University", name_local="北大学", ror_id="02e16g702", country="JP"
    )
    lakeside = InstitutionFactory(
        name="Lakeside Institute of Technology", name_local="", country="SG"
    )
    agency = AgencyFactory(short_name="ARF", name="Agency for Research Funding", country="JP")
    kiban = ProgrammeFactory(
        agency=agency,
        code="ARF-KIBAN-B-2027",
        title="科学研究費助成事業 基盤研究(B) 2027",
        description="Three- to five-year projects.\n三年から五年の研究。",
    )
    quantum = ProgrammeFactory(agency=agency, code="ARF-QUANTUM-2027", title="Quantum 2027")
    nsta = AgencyFactory(short_name="NSTA", name="National Science and Technology Agency")
    ProgrammeFactory(agency=nsta, code="NSTA-EMPTY-2027", title="No applications yet")

    hanako = researcher(institution=kita, username="yamada.hanako", email="hanako@kita.example")
    profile = hanako.researcher_profile
    profile.researcher_number = "12345678"
    profile.orcid = "0000-0002-1825-0097"
    profile.family_name_kanji, profile.given_name_kanji = "𠮷田", "花子"
    profile.save()
    AffiliationFactory(
        profile=profile, institution=lakeside, job_title="Visiting Professor", is_primary=False
    )
    taro = researcher(institution=lakeside, username="suzuki.taro", email="")
    ResearcherProfile.objects.filter(user=taro).update(
        family_name_latin="Suzuki",
        given_name_latin="Taro",
        family_name_kanji="鈴木",
        given_name_kanji="太郎",
        family_name_kana="すずき",
        given_name_kana="たろう",
    )

    document = document_store(user=hanako, uploaded_file=simple_pdf_upload("共同研究契約書.pdf"))
    rows = section_rows()
    rows["support"][0].update(
        organisation_name="株式会社ひかりセンサー",
        total_amount=Decimal("9999999999999.99"),
        effort_percent=Decimal("100.00"),
        person_months=Decimal("12.00"),
        objectives=TRICKY_TEXT,
    )
    rows["outside_activities"][0].update(amount=Decimal("0.01"), currency="JPY")
    rows["outside_activities"].append(
        {
            **rows["outside_activities"][0],
            "kind": "gift",
            "amount": None,
            "currency": "",
            "end_date": datetime.date(2024, 12, 31),
        }
    )
    rows["contracts"][0]["document"] = document

    first = start_application(
        hanako,
        kiban,
        title="歪みの量子センシング",
        objectives=TRICKY_TEXT,
        requested_amount=Decimal("9999999999999.99"),
        effort_percent=Decimal("0.01"),
    )
    v1 = certify(fill_draft(first.declaration.versions.get(), **rows))
    # Amended: one amount changed and in-kind support dropped, keys kept.
    v2 = declaration_amend(declaration=first.declaration, user=hanako)
    sections = _rows_with_keys(v2)
    sections["support"][0]["total_amount"] = Decimal("14500000.50")
    sections["in_kind"] = []
    v2 = certify(_save(v2, sections), ip="2001:db8::1")
    # A draft third version without the contract.
    v3 = declaration_amend(declaration=first.declaration, user=hanako)
    sections = _rows_with_keys(v3)
    sections["contracts"] = []
    v3 = _save(v3, sections, title="歪みの量子センシング(改)")

    # Prefilled from the first application's version 2.
    second = start_application(hanako, quantum, title="Entangled clocks")
    second_v1 = certify(second.declaration.versions.get())

    third = start_application(taro, kiban, currency="USD", requested_amount=Decimal("0.00"))
    return {
        "hanako": hanako,
        "taro": taro,
        "kita": kita,
        "kiban": kiban,
        "quantum": quantum,
        "first": first,
        "second": second,
        "third": third,
        "versions": (v1, v2, v3, second_v1),
        "document": document,
    }

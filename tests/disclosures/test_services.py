import pytest

from disclosures.content import certified_content_is_intact, content_fingerprint
from disclosures.models import DeclarationVersion, SupportItem
from disclosures.services import declaration_amend
from funding.models import Application
from tests.factories import certify, fill_draft, researcher, start_application

pytestmark = pytest.mark.django_db


def test_certify_freezes_content_with_fingerprint():
    user = researcher()
    application = start_application(user)
    draft = fill_draft(application.declaration.versions.get())

    version = certify(draft)

    assert version.status == DeclarationVersion.Status.CERTIFIED
    assert version.content["sections"]["support"][0]["title"] == "Spin qubits in silicon carbide"
    assert version.content["researcher"]["family_name_kanji"] == "山田"
    assert version.fingerprint == content_fingerprint(version.content)
    assert certified_content_is_intact(version)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_amend_copies_rows_with_their_keys():
    user = researcher()
    application = start_application(user)
    first = certify(fill_draft(application.declaration.versions.get()))

    second = declaration_amend(declaration=application.declaration, user=user)

    assert second.number == 2 and second.is_draft
    assert [i.key for i in SupportItem.objects.filter(version=second)] == [
        i.key for i in SupportItem.objects.filter(version=first)
    ]


def test_stale_draft_save_is_refused_and_changes_nothing():
    from disclosures.services import declaration_save_draft
    from portal.exceptions import Conflict
    from tests.factories import application_data, section_rows

    application = start_application(researcher())
    draft = application.declaration.versions.get()
    stale_revision = draft.revision
    fill_draft(draft)  # another tab saved first

    with pytest.raises(Conflict):
        declaration_save_draft(
            version=draft,
            expected_revision=stale_revision,
            application_data=application_data(title="Overwritten"),
            sections={**section_rows(), "support": []},
        )
    assert SupportItem.objects.filter(version=draft).count() == 1
    application.refresh_from_db()
    assert application.title != "Overwritten"


def test_second_certification_of_the_same_draft_is_refused():
    from portal.exceptions import Conflict

    application = start_application(researcher())
    draft = fill_draft(application.declaration.versions.get())
    first = certify(draft)
    with pytest.raises(Conflict):
        certify(draft)  # the double click, with the page's revision
    assert application.declaration.versions.count() == 1
    assert DeclarationVersion.objects.get(pk=first.pk).fingerprint == first.fingerprint


def test_only_the_owner_certifies():
    from portal.exceptions import ServiceError

    application = start_application(researcher())
    draft = fill_draft(application.declaration.versions.get())
    with pytest.raises(ServiceError):
        certify(draft, user=researcher())
    draft.refresh_from_db()
    assert draft.is_draft


def test_certification_archives_the_pdf_after_commit(django_capture_on_commit_callbacks):
    from disclosures.models import CertifiedPdf

    application = start_application(researcher())
    draft = fill_draft(application.declaration.versions.get())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        version = certify(draft)
    assert len(callbacks) == 2  # archive the PDF, run the cross-checks
    pdf = CertifiedPdf.objects.get(version=version)
    with pdf.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_new_application_is_prefilled_from_last_certified_declaration():
    user = researcher()
    first = start_application(user)
    certified = certify(fill_draft(first.declaration.versions.get()))

    second = start_application(user, title="A second proposal")
    draft = second.declaration.versions.get()

    assert draft.based_on == certified
    assert SupportItem.objects.get(version=draft).title == "Spin qubits in silicon carbide"
    for section, rows in certified.content["sections"].items():
        from disclosures.content import declaration_content

        assert declaration_content(draft)["sections"][section] == rows, section


def test_save_draft_updates_adds_and_removes_rows_by_key():
    from tests.factories import section_rows

    application = start_application(researcher())
    draft = fill_draft(application.declaration.versions.get())
    kept = SupportItem.objects.get(version=draft)
    renamed = {**section_rows()["support"][0], "key": kept.key, "title": "Renamed"}
    added = {**section_rows()["support"][0], "title": "A new grant"}

    draft = fill_draft(draft, support=[added, renamed], contracts=[])

    rows = list(SupportItem.objects.filter(version=draft).order_by("position"))
    assert [r.title for r in rows] == ["A new grant", "Renamed"]
    assert rows[1].key == kept.key and rows[1].pk == kept.pk
    assert not draft.contracts.exists()


def test_amend_twice_returns_the_open_draft():
    user = researcher()
    application = start_application(user)
    certify(fill_draft(application.declaration.versions.get()))
    first = declaration_amend(declaration=application.declaration, user=user)
    again = declaration_amend(declaration=application.declaration, user=user)
    assert first.pk == again.pk
    assert application.declaration.versions.count() == 2


def test_fingerprint_survives_the_database_round_trip():
    application = start_application(researcher())
    version = certify(fill_draft(application.declaration.versions.get()))
    stored = DeclarationVersion.objects.get(pk=version.pk)
    assert content_fingerprint(stored.content) == stored.fingerprint
    stored.content["sections"]["support"][0]["total_amount"] = "1.00"
    assert content_fingerprint(stored.content) != stored.fingerprint

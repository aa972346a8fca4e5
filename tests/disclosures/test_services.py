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

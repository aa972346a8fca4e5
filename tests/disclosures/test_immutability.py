"""A certified version's content cannot change, whatever path the change takes."""

import pytest

from disclosures.content import certified_content_is_intact
from disclosures.models import (
    SECTIONS,
    CertifiedVersionImmutable,
    DeclarationVersion,
    SupportItem,
)
from tests.factories import certify, fill_draft, researcher, start_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified():
    application = start_application(researcher())
    return certify(fill_draft(application.declaration.versions.get()))


def test_version_save_and_delete_are_refused(certified):
    certified.signature = "Somebody else"
    with pytest.raises(CertifiedVersionImmutable):
        certified.save()
    with pytest.raises(CertifiedVersionImmutable):
        certified.delete()
    certified.refresh_from_db()
    assert certified.signature == "Hanako Yamada"


def test_queryset_update_and_delete_of_versions_are_refused(certified):
    with pytest.raises(CertifiedVersionImmutable):
        DeclarationVersion.objects.filter(pk=certified.pk).update(fingerprint="0" * 64)
    with pytest.raises(CertifiedVersionImmutable):
        DeclarationVersion.objects.filter(pk=certified.pk).delete()
    assert certified_content_is_intact(DeclarationVersion.objects.get(pk=certified.pk))


@pytest.mark.parametrize("section", list(SECTIONS))
def test_rows_of_every_section_are_frozen(certified, section):
    model, related_name = SECTIONS[section]
    item = getattr(certified, related_name).get()
    field = model.content_fields[0]
    setattr(item, field, "changed after certification")
    with pytest.raises(CertifiedVersionImmutable):
        item.save()
    with pytest.raises(CertifiedVersionImmutable):
        item.delete()
    with pytest.raises(CertifiedVersionImmutable):
        model.objects.filter(pk=item.pk).update(**{field: "changed"})
    with pytest.raises(CertifiedVersionImmutable):
        model.objects.filter(version=certified).delete()
    with pytest.raises(CertifiedVersionImmutable):
        model.objects.create(version=certified, **_copy(item))
    assert getattr(certified, related_name).count() == 1


def _copy(item):
    return {
        (name + "_id" if name == "document" else name): getattr(
            item, name + "_id" if name == "document" else name
        )
        for name in type(item).content_fields
    }


def test_draft_rows_remain_editable_while_certified_copy_stays(certified):
    from disclosures.services import declaration_amend

    draft = declaration_amend(declaration=certified.declaration, user=certified.certified_by)
    item = SupportItem.objects.get(version=draft)
    item.title = "Renamed in the amendment"
    item.save()
    assert SupportItem.objects.get(version=certified).title == "Spin qubits in silicon carbide"
    assert certified.content["sections"]["support"][0]["title"] == "Spin qubits in silicon carbide"

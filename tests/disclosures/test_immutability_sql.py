"""Certified content cannot change even by raw SQL (PostgreSQL triggers)."""

import pytest
from django.db import IntegrityError, connection, transaction

from disclosures.models import SECTIONS
from tests.factories import certify, fill_draft, researcher, start_application

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="the triggers are PostgreSQL's; SQLite relies on the model layer",
    ),
]


@pytest.fixture
def certified():
    application = start_application(researcher())
    return certify(fill_draft(application.declaration.versions.get()))


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_and_delete_of_a_certified_version_fail(certified):
    with pytest.raises(IntegrityError, match="is certified and cannot change"):
        _raw(
            "UPDATE disclosures_declarationversion SET signature = 'forged' WHERE id = %s",
            [certified.pk],
        )
    with pytest.raises(IntegrityError, match="is certified and cannot change"):
        _raw("DELETE FROM disclosures_declarationversion WHERE id = %s", [certified.pk])
    certified.refresh_from_db()
    assert certified.signature == "Hanako Yamada"


@pytest.mark.parametrize("section", list(SECTIONS))
def test_raw_changes_to_rows_of_a_certified_version_fail(certified, section):
    model, _related = SECTIONS[section]
    table = model._meta.db_table
    with pytest.raises(IntegrityError, match="rows of certified declaration versions"):
        _raw(
            f"UPDATE {table} SET position = position + 1 WHERE version_id = %s",  # noqa: S608
            [certified.pk],
        )
    with pytest.raises(IntegrityError, match="rows of certified declaration versions"):
        _raw(f"DELETE FROM {table} WHERE version_id = %s", [certified.pk])  # noqa: S608
    assert model.objects.filter(version=certified).count() == 1


def test_drafts_stay_editable_by_sql():
    application = start_application(researcher())
    draft = fill_draft(application.declaration.versions.get())
    _raw("UPDATE disclosures_supportitem SET title = 'edited' WHERE version_id = %s", [draft.pk])
    assert draft.support_items.get().title == "edited"

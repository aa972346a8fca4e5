"""Certified declaration versions and their rows cannot be updated or deleted, even by raw
SQL: PostgreSQL triggers enforce what the model layer already refuses. (SQLite, the
embedded default, relies on the model layer alone.)"""

from django.db import migrations

SECTION_TABLES = [
    "disclosures_supportitem",
    "disclosures_inkindsupport",
    "disclosures_appointment",
    "disclosures_talentprogramme",
    "disclosures_outsideactivity",
    "disclosures_contract",
]

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION disclosures_refuse_certified_version_change() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'certified' THEN
            RAISE EXCEPTION 'declaration version % is certified and cannot change', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER disclosures_certified_version_immutable
    BEFORE UPDATE OR DELETE ON disclosures_declarationversion
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_certified_version_change();
    """,
    """
    CREATE OR REPLACE FUNCTION disclosures_refuse_certified_row_change() RETURNS trigger AS $$
    DECLARE
        version_ids bigint[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            version_ids := ARRAY[NEW.version_id];
        ELSIF TG_OP = 'UPDATE' THEN
            version_ids := ARRAY[OLD.version_id, NEW.version_id];
        ELSE
            version_ids := ARRAY[OLD.version_id];
        END IF;
        IF EXISTS (
            SELECT 1 FROM disclosures_declarationversion
            WHERE id = ANY(version_ids) AND status = 'certified'
        ) THEN
            RAISE EXCEPTION 'rows of certified declaration versions cannot change (table %)',
                TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
] + [
    f"""
    CREATE TRIGGER {table}_certified_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_certified_row_change();
    """
    for table in SECTION_TABLES
]

BACKWARD = [f"DROP TRIGGER IF EXISTS {t}_certified_immutable ON {t};" for t in SECTION_TABLES] + [
    "DROP FUNCTION IF EXISTS disclosures_refuse_certified_row_change();",
    "DROP TRIGGER IF EXISTS disclosures_certified_version_immutable "
    "ON disclosures_declarationversion;",
    "DROP FUNCTION IF EXISTS disclosures_refuse_certified_version_change();",
]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

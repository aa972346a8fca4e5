"""Data only: the "Agency officers" group with what officers need in the admin, and every
existing agency officer in it. What each officer then sees is cut to their agency by
portal/admin_scope.py."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Agency officers"
PERMISSIONS = {
    "funding": ["view_programme", "view_application"],
    "disclosures": [
        "view_declarationversion",
        "view_supportitem",
        "view_inkindsupport",
        "view_appointment",
        "view_talentprogramme",
        "view_outsideactivity",
        "view_contract",
    ],
    # Changing a flag means triage: dismiss, confirm, open a case (through the services).
    "checks": ["view_flag", "change_flag"],
    "enforcement": [
        "view_case",
        "change_case",
        "view_finding",
        "add_finding",
        "view_restriction",
        "add_restriction",
        "change_restriction",
        "view_appeal",
        "add_appeal",
        "change_appeal",
    ],
    "audit": ["view_auditevent"],
}


def create_group(apps, schema_editor):
    alias = schema_editor.connection.alias
    # On a new database the permissions are only created after all migrations; make them now.
    for label in PERMISSIONS:
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=alias, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("accounts", "User")
    group, _created = Group.objects.using(alias).get_or_create(name=GROUP)
    for app_label, codenames in PERMISSIONS.items():
        permissions = Permission.objects.using(alias).filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Missing permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*permissions)
    for officer in User.objects.using(alias).filter(role="agency_officer"):
        officer.groups.add(group)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0002_initial"),
        ("funding", "0002_application_held_by_restriction_and_more"),
        ("disclosures", "0002_certified_rows_immutable_in_postgresql"),
        ("checks", "0002_flags_and_runs"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_group, delete_group),
    ]

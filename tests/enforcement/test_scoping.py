"""An officer of agency A sees A's objects only, in every changelist and change page of
the admin, and gets a 404 for B's; restrictions are a registry every agency reads but only
the imposing agency changes. Nobody else enters the admin."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from disclosures.models import DeclarationVersion
from enforcement.models import Restriction
from portal.admin_scope import scoped
from tests.factories import AdministratorFactory, OfficeUserFactory, UserFactory

pytestmark = pytest.mark.django_db

# admin URL name -> how to reach the object of one side of the world
SCOPED = {
    "checks_flag": lambda side: side.flag,
    "funding_application": lambda side: side.application,
    "disclosures_declarationversion": lambda side: DeclarationVersion.objects.get(
        declaration__application=side.application
    ),
    "enforcement_case": lambda side: side.case,
    "enforcement_finding": lambda side: side.finding,
    "enforcement_appeal": lambda side: side.appeal,
    "audit_auditevent": lambda side: AuditEvent.objects.filter(agency=side.agency).first(),
}


def listed(client, url_name) -> set[int]:
    response = client.get(reverse(f"admin:{url_name}_changelist"))
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("url_name", sorted(SCOPED))
def test_officer_lists_and_opens_only_their_agencys_objects(client, world, url_name):
    a, b = world["A"], world["B"]
    ours, theirs = SCOPED[url_name](a), SCOPED[url_name](b)
    client.force_login(a.officer)

    shown = listed(client, url_name)
    assert ours.pk in shown
    assert theirs.pk not in shown
    model = type(ours)
    # Not one object of another agency, whatever it is.
    assert shown == set(scoped(model.objects.all(), a.officer).values_list("pk", flat=True))

    page = client.get(reverse(f"admin:{url_name}_change", args=[ours.pk]))
    assert page.status_code == 200
    # No link to a page the officer may not open (users, agencies, institutions).
    for admin_only in ("accounts_user", "funding_agency", "accounts_institution"):
        assert reverse(f"admin:{admin_only}_changelist") not in page.content.decode()
    assert client.get(reverse(f"admin:{url_name}_change", args=[theirs.pk])).status_code == 404
    history = reverse(f"admin:{url_name}_history", args=[theirs.pk])
    assert client.get(history).status_code == 404


def test_audit_events_of_each_agency_stay_with_it(client, world):
    a = world["A"]
    client.force_login(a.officer)
    shown = listed(client, "audit_auditevent")
    assert shown
    assert set(AuditEvent.objects.filter(pk__in=shown).values_list("agency", flat=True)) == {
        a.agency.pk
    }


def test_search_does_not_reach_another_agency(client, world):
    a, b = world["A"], world["B"]
    client.force_login(a.officer)
    response = client.get(reverse("admin:checks_flag_changelist"), {"q": b.application.title})
    assert b.flag.pk not in {f.pk for f in response.context["cl"].result_list}
    response = client.get(reverse("admin:funding_application_changelist"), {"q": "researcher-b"})
    assert list(response.context["cl"].result_list) == []


def test_programme_filter_offers_only_their_programmes(client, world):
    from tests.enforcement.conftest import overcommitted
    from tests.factories import ProgrammeFactory

    a = world["A"]
    second = ProgrammeFactory(agency=a.agency)
    overcommitted(second)
    client.force_login(a.officer)
    response = client.get(reverse("admin:checks_flag_changelist"))
    (programmes,) = [
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", "").endswith("programme")
    ]
    assert {pk for pk, _label in programmes.lookup_choices} == {a.programme.pk, second.pk}


def test_restrictions_of_every_agency_are_listed_but_only_ours_change(client, world):
    a, b = world["A"], world["B"]
    client.force_login(a.officer)

    shown = listed(client, "enforcement_restriction")
    assert {a.restriction.pk, b.restriction.pk} <= shown

    ours = client.get(reverse("admin:enforcement_restriction_change", args=[a.restriction.pk]))
    theirs = client.get(reverse("admin:enforcement_restriction_change", args=[b.restriction.pk]))
    assert ours.status_code == theirs.status_code == 200
    assert ours.context["can_act"] is True
    assert theirs.context["can_act"] is False
    assert theirs.context["has_change_permission"] is False
    assert b"Lift early" in ours.content
    assert b"Lift early" not in theirs.content
    # B's finding is named, not linked (its page would answer 404).
    assert reverse("admin:enforcement_finding_change", args=[b.finding.pk]) not in (
        theirs.content.decode()
    )
    assert b.finding.get_kind_display() in theirs.content.decode()
    # B's appeals are B's business: not shown on its restriction to A.
    assert b"Grounds B" not in theirs.content

    # Neither the lift action nor a POST to the page changes B's restriction.
    response = client.post(
        reverse("admin:enforcement_restriction_changelist"),
        {
            "action": "lift_restrictions",
            "_selected_action": [b.restriction.pk],
            "apply": "1",
            "reason": "Not ours to lift",
        },
    )
    assert response.status_code == 302
    b.restriction.refresh_from_db()
    assert b.restriction.lifted_at is None
    response = client.post(
        reverse("admin:enforcement_restriction_change", args=[b.restriction.pk]), {}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:enforcement_restriction_changelist"),
        {
            "action": "file_appeal",
            "_selected_action": [b.restriction.pk],
            "apply": "1",
            "filed_on": "2026-01-05",
            "grounds": "Filed with the wrong agency",
        },
    )
    assert not b.restriction.appeals.filter(grounds="Filed with the wrong agency").exists()


def test_choices_of_the_impose_form_are_the_agencys(client, world):
    a = world["A"]
    client.force_login(a.officer)
    response = client.get(reverse("admin:enforcement_restriction_add"))
    form = response.context["form"]
    assert list(form.fields["researcher"].queryset) == [a.researcher]
    assert list(form.fields["finding"].queryset) == [a.finding]
    assert "agency" not in form.fields


def test_administrators_see_every_agency(client, world):
    client.force_login(AdministratorFactory())
    for url_name, get in SCOPED.items():
        shown = listed(client, url_name)
        assert {get(world["A"]).pk, get(world["B"]).pk} <= shown, url_name


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: OfficeUserFactory(), id="research office"),
        pytest.param(lambda: UserFactory(), id="researcher"),
        pytest.param(lambda: OfficeUserFactory(is_staff=True), id="research office marked staff"),
        pytest.param(lambda: UserFactory(is_staff=True), id="researcher marked staff"),
    ],
)
def test_research_offices_and_researchers_stay_out_of_the_admin(client, world, make_user):
    client.force_login(make_user())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    for url in (
        reverse("admin:checks_flag_changelist"),
        reverse("admin:checks_flag_change", args=[world["A"].flag.pk]),
        reverse("admin:enforcement_restriction_changelist"),
    ):
        assert client.get(url).status_code == 302


def test_officer_without_agency_group_sees_no_models(client, world):
    """Permissions come from the group: an officer not in it has an empty admin."""
    a = world["A"]
    a.officer.groups.clear()
    client.force_login(a.officer)
    assert client.get(reverse("admin:index")).context["app_list"] == []
    assert client.get(reverse("admin:checks_flag_changelist")).status_code == 403


def test_officer_reads_their_programmes(client, world):
    a, b = world["A"], world["B"]
    client.force_login(a.officer)
    assert listed(client, "funding_programme") == {a.programme.pk}
    page = client.get(reverse("admin:funding_programme_change", args=[a.programme.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert reverse("admin:funding_agency_changelist") not in page.content.decode()
    url = reverse("admin:funding_programme_change", args=[b.programme.pk])
    assert client.get(url).status_code == 404


def test_officers_do_not_manage_users_or_reference_data(client, world):
    client.force_login(world["A"].officer)
    for url_name in ("accounts_user", "accounts_institution", "checks_snapshot", "funding_agency"):
        assert client.get(reverse(f"admin:{url_name}_changelist")).status_code == 403


def test_audit_events_cannot_be_added_changed_or_deleted(client, world):
    event = AuditEvent.objects.filter(agency=world["A"].agency).first()
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    for user in (world["A"].officer, AdministratorFactory()):
        client.force_login(user)
        assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
        page = client.get(change)
        assert page.status_code == 200
        assert not page.context["has_change_permission"]
        assert not page.context["has_delete_permission"]
        assert client.post(change, {"action": "x"}).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()


def test_dashboard_counts_their_open_flags_and_every_restriction_in_force(client, world):
    from tests.enforcement.conftest import overcommitted

    a, b = world["A"], world["B"]
    overcommitted(a.programme)
    overcommitted(b.programme)
    client.force_login(a.officer)
    response = client.get(reverse("admin:index"))
    dashboard = response.context["dashboard"]
    assert dashboard["open_flags"] == 1
    assert [row["count"] for row in dashboard["flags_by_age"]] == [1, 0, 0]
    assert {row["count"] for row in dashboard["flags_by_rule"]} == {1}
    in_force = Restriction.objects.in_force().count()
    assert dashboard["restrictions_in_force"] == in_force == 2
    body = response.content.decode()
    assert "Open flags by rule" in body
    assert "Over-commitment" in body
    assert "2 restrictions in force" in body

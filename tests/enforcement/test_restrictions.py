"""Restrictions imposed, lifted and appealed in the admin, and what they do to the
researcher's applications."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from audit.models import AuditEvent
from enforcement.models import Appeal, Restriction
from funding.models import Application
from portal.exceptions import ServiceError
from tests.enforcement.conftest import officer_of, overcommitted
from tests.factories import AgencyFactory, ProgrammeFactory, start_application

pytestmark = pytest.mark.django_db

RESTRICTIONS = reverse("admin:enforcement_restriction_changelist")
APPEALS = reverse("admin:enforcement_appeal_changelist")


@pytest.fixture
def filed(agency_a):
    """A researcher with an application in flight to one of A's programmes."""
    version = overcommitted(ProgrammeFactory(agency=agency_a))
    return version.declaration.application


def impose(client, researcher, scope=Restriction.Scope.THIS_AGENCY, **overrides):
    today = timezone.localdate()
    data = {
        "researcher": researcher.pk,
        "scope": scope,
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=730)).isoformat(),
        "reason": "False report of outside support (finding of 2026-11-01).",
        **overrides,
    }
    return client.post(reverse("admin:enforcement_restriction_add"), data)


def test_impose_bars_the_researcher_from_the_agencys_programmes(client, officer_a, agency_a, filed):
    user = filed.researcher
    client.force_login(officer_a)
    assert client.get(reverse("admin:enforcement_restriction_add")).status_code == 200

    response = impose(client, user)
    restriction = Restriction.objects.get(researcher=user)
    assert response["Location"] == reverse(
        "admin:enforcement_restriction_change", args=[restriction.pk]
    )
    assert restriction.agency == agency_a
    assert restriction.imposed_by == officer_a
    assert AuditEvent.objects.filter(action="restriction.impose", agency=agency_a).exists()

    # The application in flight is held for the officer.
    filed.refresh_from_db()
    assert filed.held_by_restriction == restriction
    held = client.get(reverse("admin:funding_application_changelist"), {"held": "yes"})
    assert [a.pk for a in held.context["cl"].result_list] == [filed.pk]

    # A new application to a programme of the agency is refused, naming the period.
    with pytest.raises(ServiceError) as refused:
        start_application(user, programme=ProgrammeFactory(agency=agency_a))
    message = str(refused.value)
    assert date_format(restriction.starts_on, "DATE_FORMAT") in message
    assert date_format(restriction.ends_on, "DATE_FORMAT") in message

    # "This agency's programmes": another agency's are still open to the researcher.
    elsewhere = start_application(user, programme=ProgrammeFactory(agency=AgencyFactory()))
    assert elsewhere.held_by_restriction is None


def test_a_restriction_on_all_agencies_bars_every_programme(client, officer_a, filed):
    client.force_login(officer_a)
    impose(client, filed.researcher, scope=Restriction.Scope.ALL_AGENCIES)
    with pytest.raises(ServiceError):
        start_application(filed.researcher, programme=ProgrammeFactory(agency=AgencyFactory()))


def test_impose_form_refuses_a_period_out_of_order_and_no_reason(client, officer_a, filed):
    client.force_login(officer_a)
    today = timezone.localdate()
    response = impose(
        client,
        filed.researcher,
        ends_on=(today - datetime.timedelta(days=1)).isoformat(),
        reason="",
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"ends_on", "reason"}
    assert not Restriction.objects.exists()


def test_impose_cannot_reach_a_researcher_of_another_agency(client, officer_a, agency_a):
    other = overcommitted(ProgrammeFactory(agency=AgencyFactory()))
    client.force_login(officer_a)
    response = impose(client, other.declaration.application.researcher)
    assert response.status_code == 200
    assert "researcher" in response.context["form"].errors
    assert not Restriction.objects.exists()


def test_impose_from_a_finding_prefills_it(client, officer_a, filed):
    from enforcement import services

    case = services.case_open(
        researcher=filed.researcher, agency=officer_a.agency, title="Effort", by=officer_a
    )
    finding = services.finding_record(
        case=case, kind="false_report", basis="Contract found.", by=officer_a
    )
    client.force_login(officer_a)
    page = client.get(reverse("admin:enforcement_restriction_add"), {"finding": finding.pk})
    assert page.context["form"].initial["researcher"] == filed.researcher
    assert page.context["form"].initial["finding"] == finding
    impose(client, filed.researcher, finding=finding.pk)
    assert Restriction.objects.get().finding == finding


def test_lift_early_allows_applying_again(client, officer_a, agency_a, filed):
    user = filed.researcher
    client.force_login(officer_a)
    impose(client, user)
    restriction = Restriction.objects.get()
    selected = {"action": "lift_restrictions", "_selected_action": [restriction.pk]}

    page = client.post(RESTRICTIONS, selected)
    assert page.status_code == 200
    refused = client.post(RESTRICTIONS, {**selected, "apply": "1", "reason": ""})
    assert refused.context["form"].errors["reason"]
    restriction.refresh_from_db()
    assert restriction.lifted_at is None

    client.post(RESTRICTIONS, {**selected, "apply": "1", "reason": "Repaid in full."})
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None
    assert restriction.lifted_by == officer_a
    assert restriction.lift_reason == "Repaid in full."
    filed.refresh_from_db()
    assert filed.held_by_restriction is None
    assert start_application(user, programme=ProgrammeFactory(agency=agency_a)).pk

    lifted = client.get(RESTRICTIONS, {"state": "lifted"})
    assert [r.pk for r in lifted.context["cl"].result_list] == [restriction.pk]
    in_force = client.get(RESTRICTIONS, {"state": "in_force"})
    assert list(in_force.context["cl"].result_list) == []


def test_appeal_overturned_lifts_the_restriction(client, officer_a, agency_a, filed):
    user = filed.researcher
    client.force_login(officer_a)
    impose(client, user)
    restriction = Restriction.objects.get()

    client.post(
        RESTRICTIONS,
        {
            "action": "file_appeal",
            "_selected_action": [restriction.pk],
            "apply": "1",
            "filed_on": timezone.localdate().isoformat(),
            "grounds": "The contract was declared in version 2.",
        },
    )
    appeal = Appeal.objects.get(restriction=restriction)
    assert appeal.outcome == Appeal.Outcome.PENDING
    page = client.get(reverse("admin:enforcement_restriction_change", args=[restriction.pk]))
    assert "The contract was declared in version 2." in page.content.decode()

    selected = {"action": "decide_appeal", "_selected_action": [appeal.pk]}
    form = client.post(APPEALS, selected).context["form"]
    assert [value for value, _label in form.fields["outcome"].choices] == [
        "upheld",
        "overturned",
    ]
    client.post(
        APPEALS,
        {**selected, "apply": "1", "outcome": "overturned", "notes": "Declared after all."},
    )
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.OVERTURNED
    assert appeal.decided_by == officer_a
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None
    assert "Declared after all." in restriction.lift_reason
    assert start_application(user, programme=ProgrammeFactory(agency=agency_a)).pk


def test_appeal_upheld_keeps_the_restriction(client, officer_a, filed):
    client.force_login(officer_a)
    impose(client, filed.researcher)
    restriction = Restriction.objects.get()
    from enforcement.services import appeal_file

    appeal = appeal_file(
        restriction=restriction, filed_on=timezone.localdate(), grounds="g", by=officer_a
    )
    client.post(
        APPEALS,
        {
            "action": "decide_appeal",
            "_selected_action": [appeal.pk],
            "apply": "1",
            "outcome": "upheld",
            "notes": "The finding stands.",
        },
    )
    restriction.refresh_from_db()
    assert restriction.lifted_at is None
    assert Appeal.objects.get().outcome == Appeal.Outcome.UPHELD


def test_officer_of_another_agency_reads_the_restriction_but_cannot_lift_it(
    client, officer_a, filed
):
    client.force_login(officer_a)
    impose(client, filed.researcher)
    restriction = Restriction.objects.get()
    other = officer_of(AgencyFactory())
    client.force_login(other)
    listed = client.get(RESTRICTIONS).context["cl"].result_list
    assert [r.pk for r in listed] == [restriction.pk]
    page = client.get(reverse("admin:enforcement_restriction_change", args=[restriction.pk]))
    assert page.status_code == 200
    # The application it holds belongs to A's programme: B does not see it.
    assert list(page.context["held_applications"]) == []
    assert Application.objects.filter(held_by_restriction=restriction).exists()
    client.post(
        RESTRICTIONS,
        {
            "action": "lift_restrictions",
            "_selected_action": [restriction.pk],
            "apply": "1",
            "reason": "x",
        },
    )
    restriction.refresh_from_db()
    assert restriction.lifted_at is None


def test_a_barred_researcher_sees_the_refusal_instead_of_the_form(client):
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from enforcement.services import restriction_impose
    from tests.enforcement.conftest import officer_of
    from tests.factories import AgencyFactory, ProgrammeFactory, researcher

    agency = AgencyFactory()
    barred = researcher()
    today = timezone.localdate()
    restriction_impose(
        researcher=barred,
        agency=agency,
        scope="agency",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=365),
        reason="Finding 7",
        by=officer_of(agency),
    )
    client.force_login(barred)
    response = client.get(reverse("application_start", args=[ProgrammeFactory(agency=agency).pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "eligibility is restricted" in html and 'name="application-title"' not in html
    other = client.get(reverse("application_start", args=[ProgrammeFactory().pk]))
    assert other.status_code == 200 and 'name="application-title"' in other.content.decode()

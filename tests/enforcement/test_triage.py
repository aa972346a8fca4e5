"""Flag triage in the admin: a readable detail page; dismiss (with a reason), confirm and
open a case, all through the services; a finding settles the case's flags."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEvent
from checks.models import Flag
from enforcement.models import Case, Finding
from tests.enforcement.conftest import overcommitted
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

FLAGS = reverse("admin:checks_flag_changelist")
CASES = reverse("admin:enforcement_case_changelist")


def flag_of(version) -> Flag:
    return Flag.objects.get(version=version, rule="over_commitment")


@pytest.fixture
def flag(agency_a):
    return flag_of(overcommitted(ProgrammeFactory(agency=agency_a)))


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_flag_page_shows_rule_explanation_evidence_and_certified_rows(client, officer_a, flag):
    client.force_login(officer_a)
    response = client.get(reverse("admin:checks_flag_change", args=[flag.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Over-commitment" in body
    assert "comes to 120.00 %, above 100 %" in body  # the rule's explanation
    assert "Effort declared on other support" in body  # evidence, labelled
    assert "What the researcher certified (version 1)" in body
    assert "Spin qubits in silicon carbide" in body  # the certified support row
    assert "The row this flag is about" in body
    assert "declared_effort" not in body  # no raw JSON
    assert 'name="reason"' not in body  # nothing editable on the page itself
    assert 'name="_save"' not in body
    assert "Dismiss…" in body and "Open a case…" in body


def test_flag_page_renders_every_kind_of_evidence(client, officer_a, flag):
    """Evidence of each rule's shape is labelled, nested rows included."""
    Flag.objects.filter(pk=flag.pk).update(
        evidence=[
            {
                "type": "list_entry",
                "section": "support",
                "key": "k",
                "declared_name": "Lakeside Institute",
                "list_kind": "csl",
                "entity_name": "LAKESIDE INSTITUTE",
                "published_on": "2026-10-01",
                "score": 97.5,
                "entity_country": "SG",
            },
            {
                "type": "similar_application",
                "title_similarity": 95.0,
                "shared_text": 0.62,
                "passages": ["magnetometry for semiconductor process control"],
                "filing": {"application_id": 3, "version": 2, "title": "Other proposal"},
            },
            {"type": "contract_passage", "clause": "secrecy_clause", "page": 2, "passage": "…"},
        ]
    )
    client.force_login(officer_a)
    body = client.get(reverse("admin:checks_flag_change", args=[flag.pk])).content.decode()
    assert "Entry on a restricted-entity list" in body
    assert "US Consolidated Screening List" in body
    assert "Singapore (SG)" in body
    assert "62 %" in body
    assert "magnetometry for semiconductor process control" in body
    assert "Other proposal" in body
    assert "a secrecy clause" in body


def test_dismiss_needs_a_reason_and_is_audited(client, officer_a, flag):
    client.force_login(officer_a)
    selected = {"action": "dismiss_flags", "_selected_action": [flag.pk]}

    page = client.post(FLAGS, selected)
    assert page.status_code == 200
    assert page.context["form"].fields["reason"].required

    refused = client.post(FLAGS, {**selected, "apply": "1", "reason": "   "})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN

    done = client.post(FLAGS, {**selected, "apply": "1", "reason": "Effort is nominal."})
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED
    assert flag.status_reason == "Effort is nominal."
    assert flag.status_changed_by == officer_a
    event = AuditEvent.objects.get(
        action="flag.status", object_id=str(flag.pk), after__status="dismissed"
    )
    assert event.actor == officer_a
    assert event.after["reason"] == "Effort is nominal."
    assert event.agency == officer_a.agency
    assert "1 flag dismissed." in messages_of(done)


def test_dismiss_from_the_flag_page_returns_to_it(client, officer_a, flag):
    client.force_login(officer_a)
    response = client.post(
        FLAGS,
        {
            "action": "dismiss_flags",
            "_selected_action": [flag.pk],
            "_from_detail": "1",
            "apply": "1",
            "reason": "Duplicate of an older flag.",
        },
    )
    assert response["Location"] == reverse("admin:checks_flag_change", args=[flag.pk])


def test_confirm(client, officer_a, flag):
    client.force_login(officer_a)
    response = client.post(FLAGS, {"action": "confirm_flags", "_selected_action": [flag.pk]})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == Flag.Status.CONFIRMED
    assert AuditEvent.objects.filter(
        action="flag.status", object_id=str(flag.pk), after__status="confirmed"
    ).exists()


def test_a_dismissed_flag_is_not_confirmed_behind_the_officers_back(client, officer_a, flag):
    client.force_login(officer_a)
    client.post(
        FLAGS,
        {"action": "dismiss_flags", "_selected_action": [flag.pk], "apply": "1", "reason": "ok"},
    )
    response = client.post(FLAGS, {"action": "confirm_flags", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED
    assert "1 flag was not open and was left as it was." in messages_of(response)


def test_open_a_case_from_flags_of_one_researcher(client, officer_a, agency_a):
    programme = ProgrammeFactory(agency=agency_a)
    first = overcommitted(programme)
    user = first.declaration.application.researcher
    second = overcommitted(ProgrammeFactory(agency=agency_a), user=user)
    flags = [flag_of(first), flag_of(second)]
    client.force_login(officer_a)
    selected = {"action": "open_case", "_selected_action": [f.pk for f in flags]}

    page = client.post(FLAGS, selected)
    assert page.status_code == 200
    assert "title" in page.context["form"].fields

    response = client.post(
        FLAGS, {**selected, "apply": "1", "title": "Undeclared effort", "notes": "Two grants."}
    )
    case = Case.objects.get(title="Undeclared effort")
    assert response["Location"] == reverse("admin:enforcement_case_change", args=[case.pk])
    assert case.researcher == user
    assert case.agency == agency_a
    assert case.opened_by == officer_a
    assert set(case.flags.all()) == set(flags)
    assert AuditEvent.objects.filter(action="case.open", object_id=str(case.pk)).exists()


def test_a_case_concerns_one_researcher(client, officer_a, agency_a):
    programme = ProgrammeFactory(agency=agency_a)
    flags = [flag_of(overcommitted(programme)), flag_of(overcommitted(programme))]
    client.force_login(officer_a)
    response = client.post(
        FLAGS,
        {
            "action": "open_case",
            "_selected_action": [f.pk for f in flags],
            "apply": "1",
            "title": "Two people",
        },
    )
    assert response.status_code == 302
    assert not Case.objects.exists()
    assert "All the flags of a case must concern one researcher." in messages_of(response)


@pytest.mark.parametrize(
    ("kind", "settled"),
    [(Finding.Kind.MISSING_REPORT, Flag.Status.CONFIRMED), (Finding.Kind.UNFOUNDED, "dismissed")],
)
def test_recording_a_finding_settles_the_cases_flags(client, officer_a, flag, kind, settled):
    client.force_login(officer_a)
    client.post(
        FLAGS,
        {"action": "open_case", "_selected_action": [flag.pk], "apply": "1", "title": "Effort"},
    )
    case = Case.objects.get()
    selected = {"action": "record_finding", "_selected_action": [case.pk]}

    page = client.post(CASES, selected)
    assert page.status_code == 200
    refused = client.post(CASES, {**selected, "apply": "1", "kind": kind, "basis": ""})
    assert refused.context["form"].errors["basis"]

    response = client.post(
        CASES, {**selected, "apply": "1", "kind": kind, "basis": "Contract of 2025-04-01."}
    )
    assert response["Location"] == reverse("admin:enforcement_case_change", args=[case.pk])
    finding = Finding.objects.get(case=case)
    assert finding.kind == kind
    assert finding.recorded_by == officer_a
    flag.refresh_from_db()
    assert flag.status == settled
    assert flag.status_reason == "Contract of 2025-04-01."

    page = client.get(reverse("admin:enforcement_case_change", args=[case.pk]))
    assert "Contract of 2025-04-01." in page.content.decode()  # the findings inline


def test_close_a_case(client, officer_a, flag):
    client.force_login(officer_a)
    client.post(
        FLAGS,
        {"action": "open_case", "_selected_action": [flag.pk], "apply": "1", "title": "Effort"},
    )
    case = Case.objects.get()
    client.post(CASES, {"action": "close_cases", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_flag_list_filters_and_search(client, officer_a, flag):
    from checks.admin import AGE_BUCKETS

    client.force_login(officer_a)
    researcher = flag.application.researcher.researcher_profile
    for params, expected in [
        ({"rule": "over_commitment"}, [flag.pk]),
        ({"rule": "restricted_entity"}, []),
        ({"status__exact": "open", "severity__exact": "medium"}, [flag.pk]),
        ({"age": "0-7"}, [flag.pk]),
        ({"age": "8-30"}, []),
        ({"age": "31+"}, []),
        ({"application__programme__id__exact": flag.application.programme_id}, [flag.pk]),
        ({"q": flag.application.title[:12]}, [flag.pk]),
        ({"q": f"{researcher.given_name_latin} {researcher.family_name_latin}"}, [flag.pk]),
        ({"q": researcher.family_name_kanji}, [flag.pk]),
        ({"q": "effort"}, [flag.pk]),  # the subject
        ({"q": "nobody-by-that-name"}, []),
    ]:
        response = client.get(FLAGS, params)
        assert response.status_code == 200, params
        assert [f.pk for f in response.context["cl"].result_list] == expected, params
    assert [code for code, _label in AGE_BUCKETS] == ["0-7", "8-30", "31+"]


def test_age_buckets_count_whole_days(officer_a, flag):
    import datetime

    from django.utils import timezone

    from checks.admin import age_bucket_q

    today = timezone.localdate()
    for days, bucket in [(0, "0-7"), (7, "0-7"), (8, "8-30"), (30, "8-30"), (31, "31+")]:
        raised = timezone.now() - datetime.timedelta(days=days)
        Flag.objects.filter(pk=flag.pk).update(raised_at=raised)
        matching = [
            code
            for code in ("0-7", "8-30", "31+")
            if Flag.objects.filter(age_bucket_q(code, today), pk=flag.pk).exists()
        ]
        assert matching == [bucket], days

"""One filing's review page and the office's decisions on it: comment, request changes,
endorse. Errors are shown at the field with what was typed kept; every decision is saved
through the services with its audit event."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from audit.models import AuditEvent
from checks.models import Flag
from disclosures.services import declaration_amend, document_store
from funding.models import Application, ReviewComment
from notifications.models import Notification
from tests.factories import certify, fill_draft, section_rows
from tests.pdfs import simple_pdf_upload
from tests.review.conftest import SECRET_TITLE, filing, open_flag

pytestmark = pytest.mark.django_db


def review_url(application):
    return reverse("review:application", args=[application.pk])


def amend_and_certify(application, **sections):
    draft = declaration_amend(declaration=application.declaration, user=application.researcher)
    return certify(fill_draft(draft, **sections))


def test_review_page_shows_the_whole_filing(office_client, world):
    application = world["application"]
    owner = world["owner"]
    document = document_store(user=owner, uploaded_file=simple_pdf_upload("agreement.pdf"))
    contract = {**section_rows()["contracts"][0], "document": document}
    amend_and_certify(
        application,
        contracts=[contract],
        support=[{**section_rows()["support"][0], "title": "Spin qubits, renewed"}],
    )
    open_flag(application, evidence=[{"type": "evidence", "organisation": "Hikari Sensors K.K."}])
    ReviewComment.objects.create(
        application=application, author=world["office"], kind="comment", body="Call the PI."
    )

    response = office_client.get(review_url(application))
    assert response.status_code == 200
    body = response.content.decode()
    assert SECRET_TITLE in body
    # All sections of the latest certified version, through the shared content template.
    assert "Spin qubits, renewed" in body and "Lakeside Institute of Technology" in body
    assert "Distinguished Overseas Scholars Scheme" in body
    assert response.context["review"].shown.number == 2
    # Version history with the highlighted comparison of 1 → 2.
    assert reverse("version_compare", args=[application.pk]) + "?from=1&amp;to=2" in body
    assert reverse("version_detail", args=[application.pk, 1]) in body
    # Flags with their evidence.
    assert 'data-flag="over_commitment"' in body and "Hikari Sensors K.K." in body
    # The contract document, through the access-checked download.
    assert reverse("document_download", args=[document.pk]) in body
    assert "agreement.pdf" in body
    # The comments thread and the audit trail of this application.
    assert "Call the PI." in body
    assert "Declaration certified" in body and "Amendment started" in body
    events = response.context["review"].audit_events
    assert {row.event.action for row in events} >= {"declaration.certify", "declaration.amend"}
    assert all(row.event.application_id == application.pk for row in events)
    # The decisions on offer for a submitted filing.
    assert reverse("review:endorse", args=[application.pk]) in body
    assert reverse("review:request_changes", args=[application.pk]) in body
    # The office can follow the document link.
    download = office_client.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200
    download.close()


def test_a_newer_draft_is_pointed_out_and_the_certified_version_shown(office_client, world):
    application = world["application"]
    declaration_amend(declaration=application.declaration, user=world["owner"])
    response = office_client.get(review_url(application))
    assert response.context["review"].shown.number == 1
    assert response.context["review"].draft.number == 2
    body = response.content.decode()
    assert "The researcher is editing version 2" in body
    assert reverse("review:endorse", args=[application.pk]) not in body


def test_other_institutions_audit_events_are_not_shown(office_client, world):
    application = world["application"]
    AuditEvent.objects.create(
        action="application.status",
        object_type="funding.Application",
        object_id=str(application.pk),
        object_repr="x",
        application=application,
        institution=world["other_institution"],
    )
    response = office_client.get(review_url(application))
    assert all(
        row.event.institution_id == world["institution"].pk
        for row in response.context["review"].audit_events
    )


def test_comment_is_saved(office_client, world):
    application = world["application"]
    response = office_client.post(
        reverse("review:comment", args=[application.pk]), {"comment-body": "Check appointment."}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(review_url(application))
    comment = ReviewComment.objects.get()
    assert comment.kind == ReviewComment.Kind.COMMENT
    assert comment.body == "Check appointment."
    assert comment.author == world["office"]
    assert comment.version.number == 1
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert "Check appointment." in office_client.get(review_url(application)).content.decode()


def test_empty_comment_is_an_error_at_the_field(office_client, world):
    response = office_client.post(
        reverse("review:comment", args=[world["application"].pk]), {"comment-body": "   "}
    )
    assert response.status_code == 400
    assert response.context["comment_form"].errors["body"] == ["Write the comment."]
    body = response.content.decode()
    assert 'id="error_1_id_comment-body"' in body or "invalid-feedback" in body
    assert not ReviewComment.objects.exists()


def test_request_changes(office_client, world):
    application = world["application"]
    response = office_client.post(
        reverse("review:request_changes", args=[application.pk]),
        {"changes-body": "Declare the Lakeside appointment's salary.", "changes-version": 1},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.CHANGES_REQUESTED
    comment = ReviewComment.objects.get()
    assert comment.kind == ReviewComment.Kind.CHANGE_REQUEST
    assert comment.body == "Declare the Lakeside appointment's salary."
    event = AuditEvent.objects.get(action="application.status", after__status="changes_requested")
    assert event.actor == world["office"]
    assert event.before == {"status": "submitted"}
    assert event.application == application and event.institution == world["institution"]
    notification = Notification.objects.get(recipient=world["owner"])
    assert "Declare the Lakeside appointment's salary." in notification.body

    page = office_client.get(review_url(application)).content.decode()
    assert "Declare the Lakeside appointment&#x27;s salary." in page
    assert "Changes requested" in page
    assert reverse("review:endorse", args=[application.pk]) not in page


def test_request_changes_needs_text_and_keeps_what_was_typed(office_client, world):
    application = world["application"]
    response = office_client.post(
        reverse("review:request_changes", args=[application.pk]),
        {"changes-body": "", "changes-version": 1},
    )
    assert response.status_code == 400
    assert response.context["changes_form"].errors["body"] == ["Say what should change."]
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not ReviewComment.objects.exists()


def test_endorse(office_client, world):
    application = world["application"]
    response = office_client.post(
        reverse("review:endorse", args=[application.pk]),
        {"endorse-version": 1, "endorse-body": "Complete and consistent."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.ENDORSED
    comment = ReviewComment.objects.get()
    assert comment.kind == ReviewComment.Kind.ENDORSEMENT
    assert comment.body == "Complete and consistent."
    assert AuditEvent.objects.filter(
        action="application.status",
        after={"status": "endorsed"},
        actor=world["office"],
        application=application,
    ).exists()
    # A second endorsement (double submit, another tab) is refused and changes nothing.
    again = office_client.post(
        reverse("review:endorse", args=[application.pk]), {"endorse-version": 1}
    )
    assert again.status_code == 400
    assert "Only a submitted application" in again.content.decode()
    assert ReviewComment.objects.count() == 1


def test_endorsing_with_open_flags_needs_confirmation_and_keeps_the_note(office_client, world):
    application = world["application"]
    open_flag(application)
    url = reverse("review:endorse", args=[application.pk])
    response = office_client.post(url, {"endorse-version": 1, "endorse-body": "My careful note"})
    assert response.status_code == 400
    form = response.context["endorse_form"]
    assert form.errors["flags_reviewed"] == ["Confirm that you have reviewed the open flags."]
    body = response.content.decode()
    assert "My careful note</textarea>" in body
    assert "I have reviewed the 1 open flag" in body
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    response = office_client.post(
        url,
        {"endorse-version": 1, "endorse-body": "My careful note", "endorse-flags_reviewed": "on"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.ENDORSED
    assert Flag.objects.get().status == Flag.Status.OPEN  # endorsing does not touch flags


def test_a_decision_on_a_version_that_is_no_longer_the_latest_is_refused(office_client, world):
    application = world["application"]
    page = office_client.get(review_url(application))
    assert page.context["changes_form"].initial["version"] == 1
    amend_and_certify(application)  # the researcher certifies v2 meanwhile
    response = office_client.post(
        reverse("review:request_changes", args=[application.pk]),
        {"changes-body": "Based on what I read in v1", "changes-version": 1},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "certified a newer version" in body
    assert "Based on what I read in v1</textarea>" in body
    assert not ReviewComment.objects.exists()
    endorse = office_client.post(
        reverse("review:endorse", args=[application.pk]), {"endorse-version": 1}
    )
    assert endorse.status_code == 400
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_endorsing_while_the_researcher_edits_a_draft_is_refused(office_client, world):
    application = world["application"]
    declaration_amend(declaration=application.declaration, user=world["owner"])
    response = office_client.post(
        reverse("review:endorse", args=[application.pk]), {"endorse-version": 1}
    )
    assert response.status_code == 400
    assert "certified declaration can be endorsed" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_researcher_include_shows_change_requests_and_endorsement_not_internal_comments(
    office_client, world
):
    application = world["application"]
    office_client.post(
        reverse("review:comment", args=[application.pk]),
        {"comment-body": "Internal: phone the dean."},
    )
    office_client.post(
        reverse("review:request_changes", args=[application.pk]),
        {"changes-body": "Add the NDA-covered grant.", "changes-version": 1},
    )
    application.refresh_from_db()
    html = render_to_string("review/_researcher_comments.html", {"application": application})
    assert "Your research office asks for changes" in html
    assert "Add the NDA-covered grant." in html
    assert "phone the dean" not in html

    untouched = filing(world["institution"], title="Untouched")
    html = render_to_string("review/_researcher_comments.html", {"application": untouched})
    assert "From your research office" not in html


def test_a_filing_never_certified_shows_the_draft_and_offers_no_decision(office_client, world):
    draft_only = filing(world["institution"], certified=False, title="Not yet certified")
    response = office_client.get(review_url(draft_only))
    assert response.status_code == 200
    body = response.content.decode()
    assert "has not been certified yet" in body
    assert "Spin qubits in silicon carbide" not in body  # the draft is still empty
    assert reverse("review:endorse", args=[draft_only.pk]) not in body
    assert reverse("review:request_changes", args=[draft_only.pk]) not in body
    assert reverse("review:comment", args=[draft_only.pk]) in body
    # A crafted decision is refused by the service, with its message shown.
    endorse = office_client.post(reverse("review:endorse", args=[draft_only.pk]), {})
    assert endorse.status_code == 400
    assert "certified declaration can be endorsed" in endorse.content.decode()
    changes = office_client.post(
        reverse("review:request_changes", args=[draft_only.pk]), {"changes-body": "Anything"}
    )
    assert changes.status_code == 400
    assert "Only a submitted application can be sent back" in changes.content.decode()
    assert "Anything</textarea>" in changes.content.decode()
    draft_only.refresh_from_db()
    assert draft_only.status == Application.Status.DRAFT


def test_a_tampered_version_field_is_reported(office_client, world):
    response = office_client.post(
        reverse("review:endorse", args=[world["application"].pk]), {"endorse-version": "x"}
    )
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()

"""The declaration page: errors at the field, nothing entered lost, nothing overwritten."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosures.models import Contract, DeclarationVersion, Document, SupportItem
from tests.disclosures.formdata import declaration_post
from tests.factories import researcher, section_rows, start_application
from tests.pdfs import simple_pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(client):
    user = researcher()
    client.force_login(user)
    application = start_application(user)
    return application, application.declaration.versions.get()


def _url(application):
    return reverse("declaration_edit", args=[application.pk])


def test_valid_post_saves_every_section(client, filing):
    application, draft = filing
    response = client.post(_url(application), declaration_post(draft.revision))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 1
    for related in (
        "support_items",
        "in_kind_items",
        "appointments",
        "talent_programmes",
        "outside_activities",
        "contracts",
    ):
        assert getattr(draft, related).count() == 1, related


def test_invalid_row_shows_field_error_and_keeps_every_value(client, filing):
    application, draft = filing
    support = {
        **section_rows()["support"][0],
        "end_date": datetime.date(2020, 1, 1),
        "title": "兼業先との共同研究",
    }
    outside = {**section_rows()["outside_activities"][0], "description": "Advisor to 光センサ"}
    response = client.post(
        _url(application),
        declaration_post(
            draft.revision, sections={"support": [support], "outside_activities": [outside]}
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    form = response.context["forms"].formsets["support"].forms[0]
    assert form.errors["end_date"] == ["The end date must be on or after the start date."]
    assert "兼業先との共同研究" in html and "Advisor to 光センサ" in html
    assert 'value="JP21H01234"' in html
    assert not SupportItem.objects.filter(version=draft).exists()


@pytest.mark.parametrize(
    ("field", "value", "message_part"),
    [
        ("effort_percent", "100.5", "less than or equal to 100"),
        ("effort_percent", "12.345", "2 decimal places"),
        ("total_amount", "-1", "greater than or equal to 0"),
        ("currency", "", "This field is required"),
        ("currency", "ZZZ", "Select a valid choice"),
        ("organisation_ror_id", "not-a-ror", "is not a ROR identifier"),
        ("title", "", "This field is required"),
    ],
)
def test_support_row_rules(client, filing, field, value, message_part):
    application, draft = filing
    row = {**section_rows()["support"][0], field: value}
    response = client.post(
        _url(application), declaration_post(draft.revision, sections={"support": [row]})
    )
    assert response.status_code == 400
    errors = response.context["forms"].formsets["support"].forms[0].errors
    assert message_part in " ".join(errors[field])


def test_two_tabs_the_second_save_is_refused_with_a_message(client, filing):
    application, draft = filing
    first = client.post(_url(application), declaration_post(draft.revision))
    assert first.status_code == 302
    stale = declaration_post(draft.revision, application={"title": "From the stale tab"})
    second = client.post(_url(application), stale)
    assert second.status_code == 409
    assert "changed in another window or tab" in second.content.decode()
    assert "From the stale tab" in second.content.decode()  # still in the form, not lost
    application.refresh_from_db()
    assert application.title != "From the stale tab"


def test_a_file_that_is_not_a_pdf_is_refused_at_the_field(client, filing):
    application, draft = filing
    data = declaration_post(draft.revision)
    data["contracts-0-upload"] = SimpleUploadedFile("contract.pdf", b"MZ\x90\x00 not a pdf at all")
    response = client.post(_url(application), data)
    assert response.status_code == 400
    errors = response.context["forms"].formsets["contracts"].forms[0].errors
    assert "not a PDF" in errors["upload"][0]
    assert not Document.objects.exists()


def test_a_valid_upload_survives_an_error_elsewhere(client, filing):
    application, draft = filing
    bad_support = {**section_rows()["support"][0], "title": ""}
    data = declaration_post(draft.revision, sections={"support": [bad_support]})
    data["contracts-0-upload"] = SimpleUploadedFile("joint-research.pdf", simple_pdf_bytes())
    response = client.post(_url(application), data)
    assert response.status_code == 400
    document = Document.objects.get()
    assert str(document.pk) in response.content.decode()

    fixed = declaration_post(draft.revision)
    fixed["contracts-0-document"] = str(document.pk)
    assert client.post(_url(application), fixed).status_code == 302
    assert Contract.objects.get(version=draft).document == document


def test_a_row_cannot_point_at_someone_elses_document(client, filing):
    from disclosures.services import document_store
    from tests.pdfs import simple_pdf_upload

    application, draft = filing
    foreign = document_store(user=researcher(), uploaded_file=simple_pdf_upload())
    data = declaration_post(draft.revision)
    data["contracts-0-document"] = str(foreign.pk)
    response = client.post(_url(application), data)
    assert response.status_code == 400
    assert "document" in response.context["forms"].formsets["contracts"].forms[0].errors


def test_hostile_text_is_shown_escaped(client, filing):
    application, draft = filing
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    row = {**section_rows()["support"][0], "title": payload}
    client.post(_url(application), declaration_post(draft.revision, sections={"support": [row]}))
    for url in (
        reverse("version_detail", args=[application.pk, 1]),
        reverse("declaration_review", args=[application.pk]),
    ):
        html = client.get(url).content.decode()
        assert payload not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_certify_needs_password_and_signature_then_freezes(client, filing):
    application, draft = filing
    client.post(_url(application), declaration_post(draft.revision))
    draft.refresh_from_db()
    review = reverse("declaration_review", args=[application.pk])
    wrong = client.post(
        review,
        {
            "agree": "on",
            "signature": "Hanako Yamada",
            "password": "wrong password",
            "revision": draft.revision,
        },
    )
    assert wrong.status_code == 400
    assert "This password is not correct." in wrong.content.decode()
    unsigned = client.post(
        review,
        {
            "agree": "on",
            "signature": "Someone Else",
            "password": "correct horse battery staple",
            "revision": draft.revision,
        },
    )
    assert "Type your name exactly as in your profile" in unsigned.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft

    good = {
        "agree": "on",
        "signature": "hanako  YAMADA",
        "password": "correct horse battery staple",
        "revision": draft.revision,
    }
    response = client.post(review, good)
    assert response.status_code == 302
    version = DeclarationVersion.objects.get(pk=draft.pk)
    assert version.is_certified and version.signature == "hanako  YAMADA".strip()
    assert version.certified_ip == "127.0.0.1"

    again = client.post(review, good)  # the double click
    assert again.status_code == 302
    assert application.declaration.versions.count() == 1

"""Stored XSS: a payload typed into any text field of a declaration is shown escaped in
the portal's pages, the office's review page, the officers' admin, e-mails and the PDF."""

import io

import pytest
from django.core import mail
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from checks.engine import check_versions
from disclosures.models import SECTIONS
from disclosures.services import certified_pdf_archive
from funding.services import application_request_changes
from tests.checks.builders import certified_filing, support_row
from tests.factories import AdministratorFactory, OfficeUserFactory, section_rows

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def _text_fields(model):
    return [
        name
        for name in model.content_fields
        if isinstance(model._meta.get_field(name), (models.CharField, models.TextField))
        and not model._meta.get_field(name).choices
        and name not in ("organisation_country", "organisation_ror_id", "currency")
    ]


@pytest.fixture
def hostile():
    """A certified filing with the payload in every free-text field of every section."""
    sections = {}
    for key, (model, _related) in SECTIONS.items():
        row = support_row() if key == "support" else dict(section_rows()[key][0])
        for name in _text_fields(model):
            row[name] = f"{PAYLOAD} {name}"
        sections[key] = [row]
    version = certified_filing(
        sections=sections, title=PAYLOAD, objectives=PAYLOAD, effort_percent="100"
    )
    check_versions([version.pk])  # over-commitment: a flag whose evidence quotes the rows
    return version


def _assert_escaped(html: str):
    assert PAYLOAD not in html
    assert "<script>alert(" not in html
    assert ESCAPED in html


def test_researcher_pages(client, hostile):
    application = hostile.declaration.application
    client.force_login(application.researcher)
    for url in (
        reverse("application_detail", args=[application.pk]),
        reverse("version_detail", args=[application.pk, 1]),
        reverse("home"),
    ):
        _assert_escaped(client.get(url).content.decode())


def test_office_review_page(client, hostile):
    application = hostile.declaration.application
    client.force_login(OfficeUserFactory(institution=application.institution))
    for url in (reverse("review:application", args=[application.pk]), reverse("review:queue")):
        _assert_escaped(client.get(url).content.decode())


def test_admin_pages(client, hostile):
    application = hostile.declaration.application
    client.force_login(AdministratorFactory())
    flag = application.flags.first()
    for url in (
        f"/admin/checks/flag/{flag.pk}/change/",
        "/admin/checks/flag/",
        f"/admin/funding/application/{application.pk}/change/",
        f"/admin/disclosures/declarationversion/{hostile.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script>alert(" not in response.content.decode(), url


def test_emails_carry_the_text_not_markup(hostile, django_capture_on_commit_callbacks):
    application = hostile.declaration.application
    office = OfficeUserFactory(institution=application.institution)
    with django_capture_on_commit_callbacks(execute=True):
        application_request_changes(application=application, by=office, body=PAYLOAD)
    [message] = [m for m in mail.outbox if application.researcher.email in m.to]
    assert "\n" not in message.subject
    assert message.content_subtype == "plain"  # nothing for a mail reader to run
    assert not getattr(message, "alternatives", [])
    assert PAYLOAD in message.body  # shown as the characters typed, never as HTML


def test_pdf_shows_the_characters(hostile):
    pdf = certified_pdf_archive(version=hostile)
    with pdf.file.open("rb") as handle:
        text = " ".join(
            "".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages).split()
        )
    assert '<script>alert("xss")</script>' in text

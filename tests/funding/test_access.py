"""Who sees what, proved through the views (not only the permission helpers)."""

import pytest
from django.urls import reverse

from disclosures.services import document_store
from tests.factories import (
    AdministratorFactory,
    AgencyFactory,
    InstitutionFactory,
    OfficerFactory,
    OfficeUserFactory,
    ProgrammeFactory,
    certify,
    fill_draft,
    researcher,
    start_application,
)
from tests.pdfs import simple_pdf_upload

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Confidential sponsor Q-7731"


@pytest.fixture
def world():
    """Researcher A's certified application at institution I1 to agency G1's programme,
    and one user of every kind around it."""
    institution, other_institution = InstitutionFactory(), InstitutionFactory()
    agency, other_agency = AgencyFactory(), AgencyFactory()
    owner = researcher(institution=institution)
    application = start_application(
        owner, programme=ProgrammeFactory(agency=agency), title=SECRET_TITLE
    )
    draft = application.declaration.versions.get()
    document = document_store(user=owner, uploaded_file=simple_pdf_upload())
    rows = {"contracts": [{**_contract_row(), "document": document}]}
    certify(fill_draft(draft, **rows))
    return {
        "application": application,
        "document": document,
        "owner": owner,
        "researcher_b": researcher(institution=institution),
        "office_same": OfficeUserFactory(institution=institution),
        "office_other": OfficeUserFactory(institution=other_institution),
        "officer_same": OfficerFactory(agency=agency),
        "officer_other": OfficerFactory(agency=other_agency),
        "admin": AdministratorFactory(),
    }


def _contract_row():
    from tests.factories import section_rows

    return section_rows()["contracts"][0]


def _read_urls(world):
    pk = world["application"].pk
    return [
        reverse("application_detail", args=[pk]),
        reverse("version_detail", args=[pk, 1]),
        reverse("version_pdf", args=[pk, 1]),
        reverse("document_download", args=[world["document"].pk]),
    ]


def _write_urls(world):
    pk = world["application"].pk
    return [
        reverse("declaration_edit", args=[pk]),
        reverse("declaration_review", args=[pk]),
    ]


@pytest.mark.parametrize("who", ["researcher_b", "office_other", "officer_other"])
def test_outsiders_get_404_and_no_data(client, world, who):
    client.force_login(world[who])
    for url in _read_urls(world) + _write_urls(world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET_TITLE.encode() not in response.content
    response = client.post(reverse("declaration_amend", args=[world["application"].pk]))
    assert response.status_code == 404
    listing = client.get(reverse("application_list"))
    assert SECRET_TITLE not in listing.content.decode()


@pytest.mark.parametrize("who", ["office_same", "officer_same", "admin", "owner"])
def test_entitled_users_can_read(client, world, who):
    client.force_login(world[who])
    detail = client.get(_read_urls(world)[0])
    assert detail.status_code == 200
    assert SECRET_TITLE in detail.content.decode()
    version = client.get(_read_urls(world)[1])
    assert world["application"].declaration.versions.get().fingerprint in version.content.decode()
    pdf = client.get(_read_urls(world)[2])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    document = client.get(_read_urls(world)[3])
    assert document.status_code == 200
    assert document["Content-Disposition"].startswith("attachment")
    assert b"".join(document.streaming_content) == world["document"].file.open("rb").read()
    world["document"].file.close()
    assert SECRET_TITLE in client.get(reverse("application_list")).content.decode()


@pytest.mark.parametrize("who", ["office_same", "officer_same", "admin"])
def test_reviewers_cannot_file_or_amend(client, world, who):
    client.force_login(world[who])
    for url in _write_urls(world):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("declaration_amend", args=[world["application"].pk]))
    assert response.status_code == 403
    assert world["application"].declaration.versions.count() == 1


def test_anonymous_is_sent_to_login(client, world):
    for url in _read_urls(world) + _write_urls(world):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_only_researchers_start_applications_and_keep_profiles(client, world):
    programme = world["application"].programme
    for who in ("office_same", "officer_same"):
        client.force_login(world[who])
        assert client.get(reverse("application_start", args=[programme.pk])).status_code == 403
        assert client.get(reverse("profile")).status_code == 403

import pytest
from django.urls import reverse

from disclosures.models import ResearcherProfile
from disclosures.validators import normalise_orcid
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _post(institution, **overrides):
    data = {
        "family_name_latin": "Sato",
        "given_name_latin": "Kenji",
        "family_name_kanji": "佐藤",
        "given_name_kanji": "健二",
        "family_name_kana": "さとう",
        "given_name_kana": "けんじ",
        "researcher_number": "12345678",
        "orcid": "https://orcid.org/0000-0002-1825-0097",
        "affiliations-TOTAL_FORMS": "1",
        "affiliations-INITIAL_FORMS": "0",
        "affiliations-0-institution": str(institution.pk),
        "affiliations-0-department": "Faculty of Science",
        "affiliations-0-job_title": "Professor",
        "affiliations-0-is_primary": "on",
    }
    data.update(overrides)
    return data


def test_profile_is_created_once_and_reused(client):
    user = UserFactory()
    client.force_login(user)
    institution = InstitutionFactory()
    assert client.post(reverse("profile"), _post(institution)).status_code == 302
    assert (
        client.post(reverse("profile"), _post(institution, given_name_latin="Ken")).status_code
        == 302
    )
    profile = ResearcherProfile.objects.get(user=user)
    assert profile.given_name_latin == "Ken"
    assert profile.orcid == "0000-0002-1825-0097"
    assert profile.primary_affiliation.institution == institution
    assert "佐藤" in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize(
    ("orcid", "message"),
    [
        ("0000-0002-1825-0098", "check digit is wrong"),
        ("0000-0002-1825", "Enter an ORCID iD"),
        ("<script>", "Enter an ORCID iD"),
    ],
)
def test_bad_orcid_is_refused_at_the_field_and_nothing_is_lost(client, orcid, message):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("profile"), _post(InstitutionFactory(), orcid=orcid))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["orcid"])
    assert "佐藤" in response.content.decode()
    assert not ResearcherProfile.objects.filter(user=user).exists()


def test_exactly_one_primary_affiliation(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("profile"), _post(InstitutionFactory(), **{"affiliations-0-is_primary": ""})
    )
    assert "Mark exactly one affiliation as primary." in response.content.decode()


def test_orcid_forms_are_normalised():
    assert normalise_orcid("0000000218250097") == "0000-0002-1825-0097"
    assert normalise_orcid(" https://orcid.org/0000-0002-1825-0097 ") == "0000-0002-1825-0097"


def test_application_refused_for_closed_programme(client):
    import datetime

    from django.utils import timezone

    from tests.factories import ProgrammeFactory, researcher

    user = researcher()
    client.force_login(user)
    closed = ProgrammeFactory(
        opens_on=timezone.localdate() - datetime.timedelta(days=60),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert client.get(reverse("application_start", args=[closed.pk])).status_code == 404

"""factory_boy factories for every model the tests build. Realistic, fictional people."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Institution, User
from disclosures.models import (
    Affiliation,
    ResearcherProfile,
)
from funding.models import Agency, Programme

PASSWORD = "correct horse battery staple"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Kita University {n}")
    name_local = factory.Sequence(lambda n: f"北大学{n}")
    country = "JP"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency for Research Funding {n}")
    short_name = factory.Sequence(lambda n: f"ARF{n}")
    country = "JP"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"KAKEN-{n:04d}")
    title = factory.Sequence(lambda n: f"Grant-in-Aid for Scientific Research {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = User.Role.RESEARCHER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class OfficeUserFactory(UserFactory):
    role = User.Role.RESEARCH_OFFICE
    institution = factory.SubFactory(InstitutionFactory)


class OfficerFactory(UserFactory):
    role = User.Role.AGENCY_OFFICER
    agency = factory.SubFactory(AgencyFactory)


class AdministratorFactory(UserFactory):
    role = User.Role.ADMINISTRATOR
    is_staff = True
    is_superuser = True


class ResearcherProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearcherProfile

    user = factory.SubFactory(UserFactory)
    family_name_latin = "Yamada"
    given_name_latin = "Hanako"
    family_name_kanji = "山田"
    given_name_kanji = "花子"
    family_name_kana = "やまだ"
    given_name_kana = "はなこ"


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    profile = factory.SubFactory(ResearcherProfileFactory)
    institution = factory.SubFactory(InstitutionFactory)
    department = "Graduate School of Engineering"
    job_title = "Associate Professor"
    is_primary = True


def researcher(institution=None, **user_fields) -> User:
    """A researcher with a complete profile and a primary affiliation."""
    user = UserFactory(**user_fields)
    profile = ResearcherProfileFactory(user=user)
    AffiliationFactory(profile=profile, institution=institution or InstitutionFactory())
    return user


def application_data(**overrides) -> dict:
    data = {
        "title": "Quantum sensing of strain in thin films",
        "objectives": "Develop NV-centre magnetometry for semiconductor process control.",
        "start_date": datetime.date(2027, 4, 1),
        "end_date": datetime.date(2030, 3, 31),
        "requested_amount": Decimal("12000000.00"),
        "currency": "JPY",
        "effort_percent": Decimal("30.00"),
    }
    data.update(overrides)
    return data


def start_application(user, programme=None, **overrides):
    from funding.services import application_start

    return application_start(
        researcher=user, programme=programme or ProgrammeFactory(), **application_data(**overrides)
    )


# One row per section, as the declaration form's cleaned data would give them.
def section_rows() -> dict[str, list[dict]]:
    return {
        "support": [
            {
                "title": "Spin qubits in silicon carbide",
                "status": "current",
                "award_number": "JP21H01234",
                "organisation_name": "Japan Society for the Promotion of Science",
                "organisation_country": "JP",
                "organisation_ror_id": "",
                "place_of_performance": "Kita University",
                "start_date": datetime.date(2024, 4, 1),
                "end_date": datetime.date(2027, 3, 31),
                "total_amount": Decimal("15000000.00"),
                "currency": "JPY",
                "effort_percent": Decimal("25.00"),
                "person_months": None,
                "objectives": "Coherent control of divacancy spins.",
                "overlap_statement": "None",
                "under_nda": False,
            }
        ],
        "in_kind": [
            {
                "description": "Beam time on a synchrotron beamline",
                "organisation_name": "Institute of Photon Science",
                "organisation_country": "DE",
                "organisation_ror_id": "",
                "status": "current",
                "estimated_value": Decimal("40000.00"),
                "currency": "EUR",
                "requires_time": True,
                "start_date": datetime.date(2025, 1, 1),
                "end_date": None,
            }
        ],
        "appointments": [
            {
                "position_title": "Visiting Professor",
                "organisation_name": "Lakeside Institute of Technology",
                "organisation_country": "SG",
                "organisation_ror_id": "",
                "kind": "visiting",
                "is_paid": False,
                "has_employment_contract": False,
                "start_date": datetime.date(2025, 10, 1),
                "end_date": datetime.date(2026, 9, 30),
                "reported_to_institution": True,
                "approved_by_institution": True,
            }
        ],
        "talent_programmes": [
            {
                "programme_name": "Distinguished Overseas Scholars Scheme",
                "organisation_name": "Ministry of Talent Affairs",
                "organisation_country": "SG",
                "organisation_ror_id": "",
                "start_date": datetime.date(2025, 1, 1),
                "end_date": None,
                "obligations": "Two months a year on site.",
            }
        ],
        "outside_activities": [
            {
                "kind": "consulting",
                "organisation_name": "Hikari Sensors K.K.",
                "organisation_country": "JP",
                "organisation_ror_id": "",
                "description": "Technical advisor on sensor design.",
                "start_date": datetime.date(2024, 6, 1),
                "end_date": None,
                "amount": Decimal("600000.00"),
                "currency": "JPY",
                "reported_to_institution": True,
            }
        ],
        "contracts": [
            {
                "title": "Joint research agreement",
                "organisation_name": "Hikari Sensors K.K.",
                "organisation_country": "JP",
                "organisation_ror_id": "",
                "signed_on": datetime.date(2024, 5, 20),
                "end_date": None,
                "secrecy_clause": True,
                "ip_assignment_clause": False,
                "foreign_law_clause": False,
                "recruitment_clause": False,
                "document": None,
            }
        ],
    }


def fill_draft(version, **section_overrides):
    """Save one row in every section of a draft through the service, as the form would."""
    from disclosures.services import declaration_save_draft

    application = version.declaration.application
    sections = section_rows()
    sections.update(section_overrides)
    return declaration_save_draft(
        version=version,
        expected_revision=version.revision,
        application_data={k: getattr(application, k) for k in application_data()},
        sections=sections,
    )


def certify(version, user=None, ip="127.0.0.1"):
    from disclosures.services import declaration_certify

    user = user or version.declaration.application.researcher
    return declaration_certify(
        version=version,
        user=user,
        expected_revision=version.revision,
        signature="Hanako Yamada",
        ip_address=ip,
        language="en",
    )

"""A small world for the research office's pages: two institutions, their offices, and
filings built through the real services."""

import datetime

import pytest
from django.utils import timezone

from checks.models import Flag
from tests.checks.builders import certified_filing
from tests.factories import (
    AdministratorFactory,
    InstitutionFactory,
    OfficerFactory,
    OfficeUserFactory,
    ProgrammeFactory,
    researcher,
    start_application,
)

SECRET_TITLE = "Confidential sponsor Q-7731"


def named_researcher(
    institution,
    *,
    latin=("Hanako", "Yamada"),
    kanji=("山田", "花子"),
    kana=("やまだ", "はなこ"),
    number=None,
):
    user = researcher(institution=institution)
    profile = user.researcher_profile
    profile.given_name_latin, profile.family_name_latin = latin
    profile.family_name_kanji, profile.given_name_kanji = kanji
    profile.family_name_kana, profile.given_name_kana = kana
    profile.researcher_number = number
    profile.save()
    return user


def filing(institution, *, user=None, programme=None, certified=True, **application):
    """An application at ``institution``; certified (status submitted) unless told not."""
    user = user or researcher(institution=institution)
    if certified:
        version = certified_filing(user=user, programme=programme, **application)
        return version.declaration.application
    return start_application(user, programme=programme, **application)


def open_flag(
    application,
    rule="over_commitment",
    subject="effort",
    severity="medium",
    status=Flag.Status.OPEN,
    **fields,
):
    version = application.declaration.versions.order_by("-number").first()
    return Flag.objects.create(
        rule=rule,
        severity=severity,
        application=application,
        version=version if version.is_certified else None,
        subject=subject,
        params=fields.pop("params", {}),
        evidence=fields.pop("evidence", [{"type": "declared", "organisation": "Evidence Org"}]),
        status=status,
        last_seen_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def world(db):
    institution, other_institution = InstitutionFactory(), InstitutionFactory()
    programme = ProgrammeFactory(closes_on=timezone.localdate() + datetime.timedelta(days=10))
    owner = named_researcher(institution, number="12345678")
    application = filing(institution, user=owner, programme=programme, title=SECRET_TITLE)
    return {
        "institution": institution,
        "other_institution": other_institution,
        "programme": programme,
        "owner": owner,
        "application": application,
        "office": OfficeUserFactory(institution=institution),
        "office_other": OfficeUserFactory(institution=other_institution),
        "researcher_b": researcher(institution=institution),
        "officer": OfficerFactory(agency=programme.agency),
        "admin": AdministratorFactory(),
    }


@pytest.fixture
def office_client(client, world):
    client.force_login(world["office"])
    return client

"""A world of two agencies, A and B, each with an officer, a researcher with a flagged
certified filing, a case with a finding, a restriction with an appeal, and the audit events
the services wrote along the way."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from checks.engine import check_versions
from checks.models import Flag
from enforcement import services
from enforcement.models import Appeal, Case, Finding, Restriction
from funding.models import Agency, Application, Programme
from portal.admin_scope import OFFICER_GROUP
from tests.checks.builders import overcommitted_filing
from tests.factories import (
    AgencyFactory,
    OfficerFactory,
    OfficeUserFactory,
    ProgrammeFactory,
    researcher,
)


def officer_of(agency: Agency) -> User:
    """An officer as an administrator sets one up: staff, in the officers' group."""
    user = OfficerFactory(agency=agency, is_staff=True)
    user.groups.add(Group.objects.get(name=OFFICER_GROUP))
    return user


def overcommitted(programme: Programme, user: User | None = None):
    """A certified filing whose declared effort passes 100 %: one over-commitment flag."""
    version = overcommitted_filing(user, programme)
    check_versions([version.pk])
    return version


@dataclass
class Side:
    agency: Agency
    programme: Programme
    officer: User
    researcher: User
    application: Application
    flag: Flag
    case: Case
    finding: Finding
    restriction: Restriction
    appeal: Appeal


def build_side(name: str) -> Side:
    agency = AgencyFactory(short_name=name, name=f"Agency {name}")
    programme = ProgrammeFactory(agency=agency, code=f"{name}-PROG")
    officer = officer_of(agency)
    user = researcher(username=f"researcher-{name.lower()}")
    version = overcommitted(programme, user)
    application = version.declaration.application
    flag = Flag.objects.get(application=application, rule="over_commitment")
    case = services.case_open(
        researcher=user, agency=agency, title=f"Case {name}", by=officer, flags=[flag]
    )
    finding = services.finding_record(
        case=case, kind=Finding.Kind.FALSE_REPORT, basis=f"Basis {name}", by=officer
    )
    today = timezone.localdate()
    restriction = services.restriction_impose(
        researcher=user,
        agency=agency,
        scope=Restriction.Scope.THIS_AGENCY,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=365),
        reason=f"Reason {name}",
        finding=finding,
        by=officer,
    )
    appeal = services.appeal_file(
        restriction=restriction, filed_on=today, grounds=f"Grounds {name}", by=officer
    )
    return Side(
        agency, programme, officer, user, application, flag, case, finding, restriction, appeal
    )


@pytest.fixture
def world(db):
    return {"A": build_side("A"), "B": build_side("B")}


@pytest.fixture
def agency_a(db):
    return AgencyFactory(short_name="AAA", name="Agency A")


@pytest.fixture
def officer_a(agency_a):
    return officer_of(agency_a)


@pytest.fixture
def office_user(db):
    return OfficeUserFactory()

"""Who may see what, for EVERY URL of the project.

The URLs come from the resolver, so a new view is covered the day it is added: a URL with
a parameter this test cannot fill fails the test until it is taught the parameter. Each
URL is requested as anonymous, as researcher B, as the research office of another
institution and as an officer of another agency: none may receive researcher A's data,
and on object URLs they get 403/404 (or are sent to sign in). Each URL must also work for
at least one rightful user, so that the refusals are not just broken URLs.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import URLResolver, get_resolver

from checks.engine import check_versions
from checks.importers.load import snapshot_load
from checks.models import CheckRun, Flag, Snapshot
from disclosures.models import DeclarationVersion, Document
from disclosures.services import document_store
from enforcement import services as enforcement
from funding.services import review_comment_add
from tests.checks.builders import certified_filing, support_row
from tests.factories import (
    AdministratorFactory,
    AgencyFactory,
    InstitutionFactory,
    OfficerFactory,
    OfficeUserFactory,
    ProgrammeFactory,
    researcher,
    section_rows,
)
from tests.pdfs import simple_pdf_upload

pytestmark = pytest.mark.django_db

# Researcher A's data: none of these strings may reach an outsider.
SECRETS = [
    "Zephyr-Q7731 quantum project",
    "Obsidian Lattice Holdings",
    "secret-contract-7731",
    "Office note Q7731",
]

OUTSIDE_POSTS = (
    "researcher_number,orcid,organisation,organisation_country,position,kind,start_date,"
    "end_date,approved_on\n"
    "90123456,,Obsidian Lattice Holdings,SG,Adviser,consulting,2025-01-01,,2024-12-20\n"
)


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    inst_a, inst_b = InstitutionFactory(), InstitutionFactory()
    agency_a, agency_b = AgencyFactory(), AgencyFactory()
    owner = researcher(institution=inst_a)
    owner.researcher_profile.researcher_number = "90123456"
    owner.researcher_profile.save()
    document = document_store(
        user=owner, uploaded_file=simple_pdf_upload("secret-contract-7731.pdf")
    )
    contract = {
        **section_rows()["contracts"][0],
        "organisation_name": "Obsidian Lattice Holdings",
        "document": document,
    }
    programme = ProgrammeFactory(agency=agency_a)
    version = certified_filing(
        owner,
        programme=programme,
        title="Zephyr-Q7731 quantum project",
        sections={"contracts": [contract], "support": [support_row(effort_percent="95")]},
        effort_percent="30",
    )
    check_versions([version.pk])
    application = version.declaration.application
    office_a = OfficeUserFactory(institution=inst_a)
    review_comment_add(application=application, author=office_a, body="Office note Q7731")
    snapshot = snapshot_load(
        kind=Snapshot.Kind.OUTSIDE_POSTS,
        file=OUTSIDE_POSTS.encode(),
        source_name="posts.csv",
        published_on=datetime.date(2026, 11, 1),
        institution=inst_a,
    ).snapshot
    group = Group.objects.get(name="Agency officers")
    officer_a = OfficerFactory(agency=agency_a, is_staff=True)
    officer_b = OfficerFactory(agency=agency_b, is_staff=True)
    officer_a.groups.add(group)
    officer_b.groups.add(group)
    flag = Flag.objects.filter(application=application).first()
    case = enforcement.case_open(
        researcher=owner, agency=agency_a, title="Case Q7731", by=officer_a, flags=[flag]
    )
    finding = enforcement.finding_record(
        case=case, kind="false_report", basis="Basis", by=officer_a
    )
    restriction = enforcement.restriction_impose(
        researcher=owner,
        agency=agency_a,
        scope="agency",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2030, 12, 31),
        reason="Shared registry entry",
        by=officer_a,
        finding=finding,
    )
    appeal = enforcement.appeal_file(
        restriction=restriction, filed_on=datetime.date(2026, 2, 1), grounds="Grounds", by=officer_a
    )
    CheckRun.objects.create(scope="all filings", total=1)
    return {
        "owner": owner,
        "application": application,
        "version": version,
        "document": document,
        "programme": programme,
        "snapshot": snapshot,
        "flag": flag,
        "case": case,
        "finding": finding,
        "restriction": restriction,
        "appeal": appeal,
        # The owner is restricted below, so an unrestricted researcher may apply instead.
        "rightful": [
            owner,
            office_a,
            officer_a,
            AdministratorFactory(),
            researcher(institution=inst_b),
        ],
        "outsiders": {
            "researcher B": researcher(institution=inst_a),
            "office of another institution": OfficeUserFactory(institution=inst_b),
            "officer of another agency": officer_b,
        },
    }


def _routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _admin_object(world, pattern):
    model_admin = getattr(pattern.callback, "model_admin", None)
    if model_admin is None:
        return None
    model = model_admin.model
    for value in world.values():
        if isinstance(value, model):
            return value
    return model.objects.order_by("pk").first()


def _fill(route: str, pattern, world) -> str | None:
    """A concrete URL for a route, with researcher A's objects as its parameters."""
    import re

    def value(name: str):
        if name == "pk" and "outside-posts" in route:
            return world["snapshot"].pk
        if name == "pk":
            return world["application"].pk
        if name == "number":
            return world["version"].number
        if name == "programme_id":
            return world["programme"].pk
        if name == "document_id":
            return world["document"].pk
        if name in ("object_id", "id"):
            obj = _admin_object(world, pattern)
            return obj.pk if obj is not None else None
        if name == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            return ContentType.objects.get_for_model(world["application"]).pk
        raise AssertionError(f"teach the permission matrix the URL parameter {name!r} ({route})")

    # The admin's app index is a regex route: give it an app label.
    url = re.sub(r"\(\?P<app_label>[^)]*\)", "checks", "/" + route)
    url = url.replace("^", "").replace("$", "").replace("\\Z", "")
    for name in re.findall(r"<(?:\w+:)?(\w+)>", url):
        filled = value(name)
        if filled is None:
            return None
        url = re.sub(rf"<(?:\w+:)?{name}>", str(filled), url, count=1)
    return url


def _urls(world):
    urls = []
    for route, pattern in _routes():
        if "(?P<url>" in route or route.startswith("i18n/"):
            continue  # the admin's catch-all and the language switch carry no data
        url = _fill(route, pattern, world)
        if url:
            # Programmes are public calls, not A's objects; the admin's app index is a list.
            parameters = set(getattr(pattern.pattern, "converters", {})) - {"programme_id"}
            urls.append((url, bool(parameters)))
    return urls


def _request(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode("utf-8", "replace")


SHARED_REGISTRY = ("/admin/enforcement/restriction/", "/admin/enforcement/appeal/")


def test_every_url_refuses_outsiders_and_leaks_nothing(client, world):
    urls = _urls(world)
    assert len(urls) > 40
    failures = []
    for url, object_bearing in urls:
        served = []
        for user in world["rightful"]:
            client.force_login(user)
            status, _body = _request(client, url)
            assert status != 500, (url, user)
            served.append(status)
        # 400: a POST-only action that received the (empty) form and said what is missing.
        if not any(s in (200, 302, 400) for s in served):
            failures.append(f"{url}: no rightful user reaches it ({served})")
        client.logout()
        status, body = _request(client, url)
        if status == 200 and any(secret in body for secret in SECRETS):
            failures.append(f"{url}: anonymous sees A's data")
        for who, user in world["outsiders"].items():
            client.force_login(user)
            status, body = _request(client, url)
            leaked = [s for s in SECRETS if s in body]
            if leaked and not url.startswith(SHARED_REGISTRY):
                failures.append(f"{url}: {who} sees {leaked}")
            if (
                object_bearing
                and status not in (302, 403, 404, 405)
                and not (who == "officer of another agency" and url.startswith(SHARED_REGISTRY))
            ):
                failures.append(f"{url}: {who} gets {status}")
    assert not failures, "\n".join(failures)


def test_uploads_are_not_served_from_any_public_path(client, world, settings):
    document: Document = world["document"]
    for prefix in ("/media/", "/static/", "/"):
        response = client.get(prefix + document.file.name)
        assert response.status_code == 404
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    assert DeclarationVersion.objects.filter(pk=world["version"].pk).exists()

"""The research office's register of approved outside posts: uploaded as CSV, loaded as a
snapshot of its institution (all or nothing), re-check queued, listed with its rows."""

import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from checks.models import Evidence, Snapshot
from tests.factories import OfficeUserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference"


def upload(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="text/csv")


def test_good_csv_makes_a_snapshot_of_the_institution_and_queues_a_recheck(
    office_client, world, django_capture_on_commit_callbacks
):
    with (
        mock.patch("review.views.rescreen_snapshot") as task,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = office_client.post(
            reverse("review:outside_posts"),
            {"file": upload("outside_posts.csv"), "published_on": "2026-04-01"},
        )
    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("review:outside_posts_snapshot", args=[snapshot.pk])
    assert snapshot.kind == Snapshot.Kind.OUTSIDE_POSTS
    assert snapshot.institution == world["institution"]
    assert snapshot.loaded_by == world["office"]
    assert snapshot.published_on == datetime.date(2026, 4, 1)
    assert snapshot.source == "outside_posts.csv"
    assert snapshot.row_count == 4 == Evidence.objects.filter(snapshot=snapshot).count()
    assert len(callbacks) == 1
    task.apply_async.assert_called_once_with(kwargs={"snapshot_id": snapshot.pk}, retry=False)

    page = office_client.get(response["Location"])
    body = page.content.decode()
    assert "Example Pharma K.K." in body and "Northeast Sample Polytechnic University" in body
    assert "Concurrent job (兼業)" in body and "12345678" in body
    listing = office_client.get(reverse("review:outside_posts")).content.decode()
    assert "outside_posts.csv" in listing

    # The same file again: nothing new, no second re-check.
    with (
        mock.patch("review.views.rescreen_snapshot") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = office_client.post(
            reverse("review:outside_posts"),
            {"file": upload("outside_posts.csv"), "published_on": "2026-04-01"},
            follow=True,
        )
    assert Snapshot.objects.count() == 1
    task.apply_async.assert_not_called()
    assert "already loaded" in again.content.decode()


def test_broken_csv_shows_every_numbered_error_and_stores_nothing(office_client, world):
    response = office_client.post(
        reverse("review:outside_posts"),
        {"file": upload("outside_posts_broken.csv"), "published_on": "2026-04-01"},
    )
    assert response.status_code == 400
    assert not Snapshot.objects.exists() and not Evidence.objects.exists()
    errors = response.context["errors"]
    assert errors == [
        "line 2: give the researcher number or the ORCID iD (both are empty)",
        "line 3: kind 'hobby' is not one of consulting, concurrent_job, appointment, other",
        "line 4: end date 2020-01-01 is before start date 2021-01-01",
        "line 5: researcher number '1234' is not 8 digits",
    ]
    body = response.content.decode()
    for message in errors:
        assert message.replace("'", "&#x27;") in body
    assert 'role="alert"' in body and "nothing was loaded" in body
    # What was typed is kept (a file input cannot be refilled by the browser).
    assert 'value="2026-04-01"' in body


def test_upload_form_errors_are_at_the_field(office_client, world):
    future = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = office_client.post(
        reverse("review:outside_posts"),
        {"file": SimpleUploadedFile("posts.xlsx", b"PK..."), "published_on": future},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["file"] == ["Choose a .csv file."]
    assert form.errors["published_on"] == ["The date cannot be in the future."]
    assert not Snapshot.objects.exists()


def test_template_has_the_header_and_loads(office_client, world):
    response = office_client.get(reverse("review:outside_posts_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == [
        "researcher_number,orcid,organisation,organisation_country,position,kind,"
        "start_date,end_date,approved_on"
    ]
    filled = (
        response.content
        + b"12345678,,Example K.K.,JP,Adviser,consulting,2024-04-01,,2024-03-01\r\n"
    )
    posted = office_client.post(
        reverse("review:outside_posts"),
        {"file": SimpleUploadedFile("mine.csv", filled), "published_on": "2026-04-01"},
    )
    assert posted.status_code == 302
    assert Snapshot.objects.get().row_count == 1


def test_offices_see_only_their_own_registers(client, world):
    office_client_other = client
    office_client_other.force_login(world["office"])
    office_client_other.post(
        reverse("review:outside_posts"),
        {"file": upload("outside_posts.csv"), "published_on": "2026-04-01"},
    )
    snapshot = Snapshot.objects.get()
    client.force_login(world["office_other"])
    listing = client.get(reverse("review:outside_posts"))
    assert "outside_posts.csv" not in listing.content.decode()
    assert (
        client.get(reverse("review:outside_posts_snapshot", args=[snapshot.pk])).status_code == 404
    )
    # Another office of the same institution shares the register.
    client.force_login(OfficeUserFactory(institution=world["institution"]))
    assert (
        client.get(reverse("review:outside_posts_snapshot", args=[snapshot.pk])).status_code == 200
    )


def test_snapshot_rows_are_paginated(office_client, world):
    header = (FIXTURES / "outside_posts.csv").read_text().splitlines()[0]
    lines = [header] + [
        f"{10000000 + n},,Org {n},JP,Adviser,consulting,2024-04-01,,2024-03-01" for n in range(60)
    ]
    office_client.post(
        reverse("review:outside_posts"),
        {
            "file": SimpleUploadedFile("big.csv", "\n".join(lines).encode()),
            "published_on": "2026-04-01",
        },
    )
    snapshot = Snapshot.objects.get()
    url = reverse("review:outside_posts_snapshot", args=[snapshot.pk])
    first = office_client.get(url)
    assert len(first.context["posts"]) == 50
    second = office_client.get(url, {"page": 2})
    assert len(second.context["posts"]) == 10
    assert "Org 59" in second.content.decode()


def test_loading_rechecks_the_filings_of_the_researchers_it_names(
    office_client, world, django_capture_on_commit_callbacks
):
    """The real task, run in-process: the world's researcher (number 12345678) is named in
    the register, so their certified filing is checked again."""
    from checks.models import CheckRun

    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(
            reverse("review:outside_posts"),
            {"file": upload("outside_posts.csv"), "published_on": "2026-04-01"},
        )
    run = CheckRun.objects.get()
    assert run.scope == "Approved outside posts 2026-04-01"
    assert run.total == 1

"""Only research-office staff use /office/, and an office only its own institution's
filings: anonymous users go to the login page, everyone else gets 403, another
institution's office 404 on objects and none of the data in lists and exports."""

import pytest
from django.urls import reverse

from checks.models import Snapshot
from funding.models import Application, ReviewComment
from tests.review.conftest import SECRET_TITLE

pytestmark = pytest.mark.django_db


def _snapshot(institution):
    return Snapshot.objects.create(
        kind=Snapshot.Kind.OUTSIDE_POSTS,
        source="posts.csv",
        published_on="2026-04-01",
        sha256="a" * 64,
        row_count=0,
        institution=institution,
    )


def _get_urls(world, snapshot):
    pk = world["application"].pk
    return [
        reverse("review:queue"),
        reverse("review:application", args=[pk]),
        reverse("review:outside_posts"),
        reverse("review:outside_posts_snapshot", args=[snapshot.pk]),
        reverse("review:outside_posts_template"),
        reverse("review:dashboard"),
        reverse("review:export_csv"),
        reverse("review:export_xlsx"),
    ]


def _post_requests(world):
    pk = world["application"].pk
    return [
        (reverse("review:comment", args=[pk]), {"comment-body": "Looks fine."}),
        (
            reverse("review:request_changes", args=[pk]),
            {"changes-body": "Fix", "changes-version": 1},
        ),
        (reverse("review:endorse", args=[pk]), {"endorse-version": 1}),
        (reverse("review:bulk_endorse"), {"applications": [pk]}),
        (reverse("review:outside_posts"), {}),
    ]


def _nothing_changed(world):
    application = Application.objects.get(pk=world["application"].pk)
    assert application.status == Application.Status.SUBMITTED
    assert not ReviewComment.objects.exists()


def test_anonymous_is_sent_to_login(client, world):
    snapshot = _snapshot(world["institution"])
    for url in _get_urls(world, snapshot):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    for url, data in _post_requests(world):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    _nothing_changed(world)


@pytest.mark.parametrize("who", ["owner", "researcher_b", "officer", "admin"])
def test_everyone_but_office_staff_gets_403(client, world, who):
    snapshot = _snapshot(world["institution"])
    client.force_login(world[who])
    for url in _get_urls(world, snapshot):
        response = client.get(url)
        assert response.status_code == 403, url
        assert SECRET_TITLE.encode() not in response.content
    for url, data in _post_requests(world):
        assert client.post(url, data).status_code == 403, url
    _nothing_changed(world)


def test_another_institutions_office_gets_404_and_no_data(client, world):
    snapshot = _snapshot(world["institution"])
    client.force_login(world["office_other"])
    pk = world["application"].pk
    for url in (
        reverse("review:application", args=[pk]),
        reverse("review:outside_posts_snapshot", args=[snapshot.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET_TITLE.encode() not in response.content
    for url, data in _post_requests(world)[:3]:
        assert client.post(url, data).status_code == 404, url
    # Lists, figures and exports of the other office hold nothing of this institution.
    for name in (
        "review:queue",
        "review:dashboard",
        "review:export_csv",
        "review:export_xlsx",
        "review:outside_posts",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert SECRET_TITLE.encode() not in response.content, name
    queue = client.get(reverse("review:queue"))
    assert queue.context["page"].paginator.count == 0
    dashboard = client.get(reverse("review:dashboard"))
    assert dashboard.context["figures"]["total"] == 0
    # Selecting another institution's filing for bulk endorsement does nothing to it.
    response = client.post(reverse("review:bulk_endorse"), {"applications": [pk]})
    assert response.status_code == 200
    assert response.context["endorsed"] == [] and response.context["skipped"] == []
    _nothing_changed(world)


def test_post_only_views_refuse_get(office_client, world):
    pk = world["application"].pk
    for url in (
        reverse("review:comment", args=[pk]),
        reverse("review:request_changes", args=[pk]),
        reverse("review:endorse", args=[pk]),
        reverse("review:bulk_endorse"),
    ):
        assert office_client.get(url).status_code == 405, url


def test_navbar_links_the_queue_for_office_staff_only(client, world):
    client.force_login(world["office"])
    assert reverse("review:queue").encode() in client.get(reverse("application_list")).content
    client.force_login(world["officer"])
    assert reverse("review:queue").encode() not in client.get(reverse("application_list")).content

"""Bulk endorsement endorses the clean submitted filings only and says why it skipped the
others."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from checks.models import Flag
from disclosures.services import declaration_amend
from funding.models import Application, ReviewComment
from tests.factories import InstitutionFactory
from tests.review.conftest import filing, open_flag

pytestmark = pytest.mark.django_db


def test_bulk_endorse_endorses_only_clean_submitted_filings(office_client, world):
    institution = world["institution"]
    clean = world["application"]
    clean_too = filing(institution, title="Clean two")
    dismissed_only = filing(institution, title="Dismissed flag only")
    open_flag(dismissed_only, status=Flag.Status.DISMISSED)
    flagged = filing(institution, title="Flagged")
    open_flag(flagged)
    open_flag(flagged, rule="duplicate_funding", subject="grant")
    draft = filing(institution, certified=False, title="Draft")
    amending = filing(institution, title="Amending")
    declaration_amend(declaration=amending.declaration, user=amending.researcher)
    endorsed_before = filing(institution, title="Endorsed before")
    Application.objects.filter(pk=endorsed_before.pk).update(status=Application.Status.ENDORSED)
    elsewhere = filing(InstitutionFactory(), title="Elsewhere")

    selected = [
        clean,
        clean_too,
        dismissed_only,
        flagged,
        draft,
        amending,
        endorsed_before,
        elsewhere,
    ]
    response = office_client.post(
        reverse("review:bulk_endorse"),
        {"applications": [a.pk for a in selected], "query": "status=submitted"},
    )
    assert response.status_code == 200
    statuses = dict(Application.objects.values_list("title", "status"))
    assert statuses["Confidential sponsor Q-7731"] == "endorsed"
    assert statuses["Clean two"] == "endorsed"
    assert statuses["Dismissed flag only"] == "endorsed"
    assert statuses["Flagged"] == "submitted"
    assert statuses["Draft"] == "draft"
    assert statuses["Amending"] == "submitted"
    assert statuses["Elsewhere"] == "submitted"

    endorsed = {a.pk for a in response.context["endorsed"]}
    assert endorsed == {clean.pk, clean_too.pk, dismissed_only.pk}
    reasons = {a.pk: reason for a, reason in response.context["skipped"]}
    assert set(reasons) == {flagged.pk, draft.pk, amending.pk, endorsed_before.pk}
    assert reasons[flagged.pk].startswith("2 open flags")
    assert "not submitted" in reasons[draft.pk] and "Draft" in reasons[draft.pk]
    assert "Endorsed to the agency" in reasons[endorsed_before.pk]
    assert reasons[amending.pk] == "the researcher is editing a new draft"
    body = response.content.decode()
    assert "Elsewhere" not in body
    assert "3 filings were endorsed" in body and "4 filings were not endorsed" in body
    assert reverse("review:queue") + "?status=submitted" in body

    assert ReviewComment.objects.filter(kind="endorsement").count() == 3
    assert (
        AuditEvent.objects.filter(
            action="application.status", after={"status": "endorsed"}, actor=world["office"]
        ).count()
        == 3
    )


def test_bulk_endorse_with_nothing_selected(office_client, world):
    response = office_client.post(reverse("review:bulk_endorse"), {"query": "sort=-flags"})
    assert response.status_code == 302
    assert response["Location"] == reverse("review:queue") + "?sort=-flags"
    assert Application.objects.get().status == Application.Status.SUBMITTED


def test_bulk_endorse_ignores_garbage_ids(office_client, world):
    response = office_client.post(
        reverse("review:bulk_endorse"), {"applications": ["x", "-1", "999999"]}
    )
    assert response.status_code == 200
    assert response.context["endorsed"] == [] and response.context["skipped"] == []
    assert "None of the selected filings could be endorsed." in response.content.decode()
    assert Application.objects.get().status == Application.Status.SUBMITTED

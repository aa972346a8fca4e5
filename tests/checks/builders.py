"""Filings and reference data for the cross-check tests, built through the real services."""

import datetime
import hashlib

from checks.models import Evidence, ListedEntity, Snapshot
from tests.factories import certify, fill_draft, researcher, section_rows, start_application


def certified_filing(user=None, sections=None, programme=None, **application):
    """A researcher's application with its declaration certified (one row per section,
    unless ``sections`` overrides some)."""
    user = user or researcher()
    app = start_application(user, programme=programme, **application)
    draft = app.declaration.versions.order_by("-number").first()
    return certify(fill_draft(draft, **(sections or {})))


def support_row(**overrides):
    """A current grant that runs into the application's period (2027-04 to 2030-03)."""
    row = {**section_rows()["support"][0], "end_date": datetime.date(2029, 3, 31)}
    return {**row, **overrides}


def overcommitted_filing(user=None, programme=None):
    """A certified filing whose declared effort (90 % + 30 %) passes 100 %."""
    return certified_filing(
        user,
        programme=programme,
        sections={"support": [support_row(effort_percent="90")]},
        effort_percent="30",
    )


def list_snapshot(kind=Snapshot.Kind.CSL, entries=(), published_on=datetime.date(2026, 10, 1)):
    """A restricted-list snapshot with these (name, aliases, country) entries."""
    digest = hashlib.sha256(repr((kind, entries, published_on)).encode()).hexdigest()
    snapshot = Snapshot.objects.create(
        kind=kind,
        source="test.csv",
        published_on=published_on,
        sha256=digest,
        row_count=len(entries),
    )
    ListedEntity.objects.bulk_create(
        ListedEntity(
            snapshot=snapshot,
            source_id=f"E{i}",
            name=name,
            aliases=list(aliases),
            country=country,
            line=i + 2,
        )
        for i, (name, aliases, country) in enumerate(entries)
    )
    return snapshot


def evidence_snapshot(rows, kind=Snapshot.Kind.ORCID):
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    snapshot = Snapshot.objects.create(
        kind=kind,
        source="record.json",
        published_on=datetime.date(2026, 11, 1),
        sha256=digest,
        row_count=len(rows),
    )
    Evidence.objects.bulk_create(
        Evidence(snapshot=snapshot, line=i + 1, **row) for i, row in enumerate(rows)
    )
    return snapshot

"""Export filings as interchange records (docs/interchange.md), streamed.

Every query is ordered and iterated in chunks, so memory stays flat however many
applications there are; each chunk of applications costs a fixed number of queries
(versions, and the rows of draft versions, are prefetched per chunk).
"""

import datetime
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from accounts.models import Institution, User
from disclosures.content import item_content
from disclosures.models import (
    SECTIONS,
    Affiliation,
    Contract,
    DeclarationVersion,
    Document,
)
from funding.models import Agency, Application, Programme

from .jsonl import (
    FORMAT_VERSION,
    application_id,
    date_out,
    datetime_out,
    decimal_out,
    sorted_json,
)
from .schema import PROFILE_FIELDS

CHUNK = 500


def _record(record_type: str, **fields) -> dict:
    return {"type": record_type, "format_version": FORMAT_VERSION, **fields}


class Export:
    """What one export holds: every filing, or those of one programme and/or since a day."""

    def __init__(self, *, programme: str | None = None, since: datetime.date | None = None):
        self.filtered = programme is not None or since is not None
        self.programme = programme
        applications = Application.objects.all()
        if programme is not None:
            applications = applications.filter(programme__code=programme)
        if since is not None:
            start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
            certified_since = DeclarationVersion.objects.filter(
                declaration__application=OuterRef("pk"), certified_at__gte=start
            )
            applications = applications.filter(Q(created_at__gte=start) | Exists(certified_since))
        self.applications = applications

    # -- what is exported ------------------------------------------------------------

    def users(self):
        certifiers = DeclarationVersion.objects.filter(certified_by__isnull=False)
        if self.filtered:
            certifiers = certifiers.filter(declaration__application__in=self.applications)
            condition = Q(pk__in=self.applications.values("researcher"))
        else:
            condition = Q(researcher_profile__isnull=False) | Q(
                pk__in=Application.objects.values("researcher")
            )
        return User.objects.filter(condition | Q(pk__in=certifiers.values("certified_by")))

    def institutions(self):
        if not self.filtered:
            return Institution.objects.all()
        affiliated = Affiliation.objects.filter(profile__user__in=self.users())
        return Institution.objects.filter(
            Q(pk__in=self.applications.values("institution"))
            | Q(pk__in=affiliated.values("institution"))
        )

    def programmes(self):
        if not self.filtered:
            return Programme.objects.all()
        condition = Q(pk__in=self.applications.values("programme"))
        if self.programme is not None:
            condition |= Q(code=self.programme)
        return Programme.objects.filter(condition)

    def agencies(self):
        if not self.filtered:
            return Agency.objects.all()
        return Agency.objects.filter(pk__in=self.programmes().values("agency"))

    def documents(self):
        """The contract PDFs the exported versions refer to."""
        contracts = Contract.objects.filter(
            version__declaration__application__in=self.applications, document__isnull=False
        )
        return Document.objects.filter(pk__in=contracts.values("document"))

    # -- records ---------------------------------------------------------------------

    def records(self) -> Iterator[dict]:
        yield from self._institutions()
        yield from self._agencies()
        yield from self._programmes()
        yield from self._researchers()
        yield from self._applications()

    def _institutions(self):
        for institution in self.institutions().order_by("name").iterator(chunk_size=CHUNK):
            yield _record(
                "institution",
                name=institution.name,
                name_local=institution.name_local,
                ror_id=institution.ror_id,
                country=str(institution.country),
            )

    def _agencies(self):
        for agency in self.agencies().order_by("short_name").iterator(chunk_size=CHUNK):
            yield _record(
                "agency",
                short_name=agency.short_name,
                name=agency.name,
                country=str(agency.country),
            )

    def _programmes(self):
        programmes = self.programmes().select_related("agency").order_by("code")
        for programme in programmes.iterator(chunk_size=CHUNK):
            yield _record(
                "programme",
                code=programme.code,
                agency=programme.agency.short_name,
                title=programme.title,
                description=programme.description,
                opens_on=date_out(programme.opens_on),
                closes_on=date_out(programme.closes_on),
                declaration_required=programme.declaration_required,
            )

    def _researchers(self):
        users = (
            self.users()
            .select_related("researcher_profile")
            .prefetch_related(
                Prefetch(
                    "researcher_profile__affiliations",
                    queryset=Affiliation.objects.select_related("institution").order_by(
                        "-is_primary", "id"
                    ),
                )
            )
            .order_by("username")
        )
        for user in users.iterator(chunk_size=CHUNK):
            profile = getattr(user, "researcher_profile", None)
            yield _record(
                "researcher",
                username=user.username,
                email=user.email,
                profile=None if profile is None else _profile(profile),
            )

    def _applications(self):
        versions = DeclarationVersion.objects.select_related(
            "certified_by",
            "based_on__declaration__application__researcher",
            "based_on__declaration__application__programme",
        ).order_by("number")
        if self.filtered:
            versions = versions.annotate(
                based_on_exported=Exists(
                    self.applications.filter(pk=OuterRef("based_on__declaration__application"))
                )
            )
        applications = (
            self.applications.select_related(
                "researcher", "programme", "institution", "declaration"
            )
            .prefetch_related(Prefetch("declaration__versions", queryset=versions))
            .order_by("created_at", "pk")
        )
        batch = []
        for application in applications.iterator(chunk_size=CHUNK):
            batch.append(application)
            if len(batch) == CHUNK:
                yield from self._batch(batch)
                batch = []
        yield from self._batch(batch)

    def _batch(self, applications):
        pairs = [
            (application, version)
            for application in applications
            if getattr(application, "declaration", None) is not None
            for version in application.declaration.versions.all()
        ]
        # A certified version is written from its content; only drafts need their rows.
        prefetch_related_objects(
            [version for _application, version in pairs if version.is_draft],
            *(
                Prefetch(
                    related_name,
                    queryset=model.objects.select_related("document")
                    if model is Contract
                    else None,
                )
                for model, related_name in SECTIONS.values()
            ),
        )
        versions = defaultdict(list)
        for application, version in pairs:
            versions[application.pk].append(version)
        for application in applications:
            yield _application(application)
            for version in versions[application.pk]:
                yield self._version(application, version)

    def _version(self, application, version) -> dict:
        based_on = None
        source = version.based_on
        if source is not None and getattr(version, "based_on_exported", True):
            source_application = source.declaration.application
            if source_application.pk == application.pk:
                earlier = source.number < version.number
            else:
                earlier = (source_application.created_at, source_application.pk) < (
                    application.created_at,
                    application.pk,
                )
            # A reference must point to a line before this one; anything else is left out.
            if earlier:
                based_on = {
                    "application": _application_id(source_application),
                    "number": source.number,
                }
        if version.is_certified:
            content = sorted_json(version.content)
            sections = {
                section: [_row_from_content(model, row) for row in content["sections"][section]]
                for section, (model, _related) in SECTIONS.items()
            }
            certification = {
                "certified_at": datetime_out(version.certified_at),
                "certified_by": version.certified_by.username if version.certified_by else None,
                "ip": version.certified_ip,
                "statement": version.certification_statement,
                "signature": version.signature,
                "language": version.language,
                "content": content,
                "fingerprint": version.fingerprint,
            }
        else:
            sections = {
                section: [item_content(item) for item in getattr(version, related_name).all()]
                for section, (_model, related_name) in SECTIONS.items()
            }
            certification = None
        return _record(
            "declaration_version",
            application=_application_id(application),
            number=version.number,
            status=version.status,
            based_on=based_on,
            sections=sections,
            certification=certification,
        )


def _profile(profile) -> dict:
    values = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    values["researcher_number"] = values["researcher_number"] or None
    values["orcid"] = values["orcid"] or None
    values["affiliations"] = [
        {
            "institution": affiliation.institution.name,
            "department": affiliation.department,
            "job_title": affiliation.job_title,
            "is_primary": affiliation.is_primary,
        }
        for affiliation in profile.affiliations.all()
    ]
    return values


def _application_id(application) -> str:
    return application_id(
        researcher=application.researcher.username,
        programme=application.programme.code,
        created_at=application.created_at,
    )


def _application(application) -> dict:
    return _record(
        "application",
        id=_application_id(application),
        researcher=application.researcher.username,
        programme=application.programme.code,
        created_at=datetime_out(application.created_at),
        institution=application.institution.name,
        status=application.status,
        title=application.title,
        objectives=application.objectives,
        start_date=date_out(application.start_date),
        end_date=date_out(application.end_date),
        requested_amount=decimal_out(application.requested_amount),
        currency=application.currency,
        effort_percent=decimal_out(application.effort_percent),
    )


def _row_from_content(model, row: dict) -> dict:
    """A certified row, fields in the same order as a draft's."""
    return {name: row[name] for name in ("key", *model.content_fields)}


def copy_documents(export: Export, directory: Path) -> tuple[int, list[str]]:
    """Copy the PDF of every exported contract to ``directory/<sha256>.pdf``. Returns how
    many were copied and the hashes of those missing from storage."""
    directory.mkdir(parents=True, exist_ok=True)
    copied, missing = 0, []
    for document in export.documents().order_by("sha256").iterator(chunk_size=CHUNK):
        target = directory / f"{document.sha256}.pdf"
        if target.exists():
            continue
        try:
            with document.file.open("rb") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            missing.append(document.sha256)
            continue
        copied += 1
    return copied, missing

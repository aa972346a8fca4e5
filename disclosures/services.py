"""Every write to profiles, declarations and documents."""

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_record
from funding.models import Application
from funding.services import application_set_status
from portal.exceptions import Conflict, ServiceError
from portal.queue import enqueue_on_commit

from .content import APPLICATION_FIELDS, content_fingerprint, declaration_content
from .models import (
    SECTIONS,
    Affiliation,
    CertifiedPdf,
    Declaration,
    DeclarationVersion,
    Document,
    ResearcherProfile,
)
from .uploads import safe_filename

CERTIFICATION_STATEMENT = gettext_lazy(
    "I certify that the information in this declaration is current, accurate and complete, "
    "including all research support, in-kind support, appointments, talent-recruitment "
    "programmes, outside activities and contracts. I understand that a false, fictitious or "
    "fraudulent statement or a material omission may lead to rejection of the application, "
    "cancellation of an award, repayment and a restriction of my eligibility to apply for "
    "public research funds."
)


@transaction.atomic
def profile_save(*, user, data: dict, affiliations: list[dict]) -> ResearcherProfile:
    """Create or update the researcher's one profile and replace its affiliations.

    ``affiliations`` are dicts with institution, department, job_title, is_primary; exactly
    one is primary (the form checks it).
    """
    profile, _created = ResearcherProfile.objects.update_or_create(user=user, defaults=data)
    profile.affiliations.all().delete()
    Affiliation.objects.bulk_create(Affiliation(profile=profile, **row) for row in affiliations)
    return profile


def document_store(*, user, uploaded_file) -> Document:
    """Keep an uploaded (already validated) PDF. Stored at once, so that a form that fails
    for another reason does not lose the upload."""
    data = uploaded_file.read()
    document = Document(
        original_name=safe_filename(uploaded_file.name),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    document.file.save("upload.pdf", ContentFile(data), save=False)
    document.save()
    return document


def _copy_items(*, source: DeclarationVersion, target: DeclarationVersion) -> None:
    """Copy every row of ``source`` into ``target``, keeping each row's key."""
    for model, related_name in SECTIONS.values():
        copies = []
        for item in getattr(source, related_name).all():
            values = {
                name: getattr(item, name) for name in model.content_fields if name != "document"
            }
            if "document" in model.content_fields:
                values["document_id"] = item.document_id
            copies.append(model(version=target, key=item.key, position=item.position, **values))
        model.objects.bulk_create(copies)


def last_certified_version_of(researcher) -> DeclarationVersion | None:
    return (
        DeclarationVersion.objects.certified()
        .filter(declaration__application__researcher=researcher)
        .order_by("-certified_at")
        .first()
    )


def declaration_start(*, application: Application) -> DeclarationVersion:
    """Create the application's declaration with a first draft, prefilled from the
    researcher's most recently certified version (on any application) so that nobody
    types the same support twice."""
    declaration = Declaration.objects.create(application=application)
    source = last_certified_version_of(application.researcher)
    version = DeclarationVersion.objects.create(declaration=declaration, number=1, based_on=source)
    if source is not None:
        _copy_items(source=source, target=version)
    return version


def _claim_draft(*, version: DeclarationVersion, expected_revision: int) -> None:
    """Bump the draft's revision if nobody changed it since ``expected_revision``."""
    claimed = DeclarationVersion.objects.filter(
        pk=version.pk, status=DeclarationVersion.Status.DRAFT, revision=expected_revision
    ).update(revision=F("revision") + 1, updated_at=timezone.now())
    if claimed:
        return
    current = DeclarationVersion.objects.get(pk=version.pk)
    if current.is_certified:
        raise Conflict(_("This version has already been certified; amend it to make changes."))
    raise Conflict(
        _(
            "This draft was changed in another window or tab after you opened it. "
            "Reload the page to see the latest draft; your changes here were not saved."
        )
    )


@transaction.atomic
def declaration_save_draft(
    *,
    version: DeclarationVersion,
    expected_revision: int,
    application_data: dict,
    sections: dict[str, list[dict]],
) -> DeclarationVersion:
    """Save the application's details and every section of a draft.

    ``sections`` maps a section key to its rows in order; a row with the ``key`` of an
    existing row updates it, other rows are added, and existing rows not named are
    removed. Before: the version is a draft at ``expected_revision``. After: it holds
    exactly these rows and its revision is one higher; otherwise Conflict and no change.
    """
    _claim_draft(version=version, expected_revision=expected_revision)
    application = version.declaration.application
    for name in APPLICATION_FIELDS:
        setattr(application, name, application_data[name])
    application.save(update_fields=[*APPLICATION_FIELDS, "updated_at"])

    for section, rows in sections.items():
        model, _related = SECTIONS[section]
        existing = {item.key: item for item in model.objects.filter(version=version)}
        kept = set()
        for position, row in enumerate(rows):
            row = dict(row)
            key = row.pop("key", None)
            item = existing.get(key)
            if item is None:
                item = model(version=version)
            for name, value in row.items():
                setattr(item, name, value)
            item.position = position
            item.save()
            kept.add(item.key)
        stale = [key for key in existing if key not in kept]
        if stale:
            model.objects.filter(version=version, key__in=stale).delete()
    version.refresh_from_db()
    return version


@transaction.atomic
def declaration_certify(
    *,
    version: DeclarationVersion,
    user,
    expected_revision: int,
    signature: str,
    ip_address: str | None,
    language: str,
) -> DeclarationVersion:
    """Certify a draft: freeze its content, store it with its SHA-256 fingerprint, the
    statement, the typed signature, time and IP, and mark the application submitted.

    Before: ``user`` is the application's researcher and has re-entered their password
    (the form checks it); the draft is at ``expected_revision``. After: the version is
    certified and can never change; its PDF is archived by a task after commit.
    A second certify of the same draft (double click) raises Conflict.
    """
    from checks.tasks import check_filing
    from funding.services import ensure_not_restricted

    from .tasks import archive_certified_pdf

    application = version.declaration.application
    if application.researcher_id != user.pk:
        raise ServiceError(_("Only the researcher may certify their own declaration."))
    ensure_not_restricted(user, application.programme)
    locked = DeclarationVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_draft:
        raise Conflict(_("This version has already been certified."))
    if locked.revision != expected_revision:
        raise Conflict(
            _("The draft changed after you reviewed it. Review it again before certifying.")
        )
    content = declaration_content(locked)
    certified = DeclarationVersion.objects.filter(
        pk=locked.pk, status=DeclarationVersion.Status.DRAFT, revision=expected_revision
    ).update(
        status=DeclarationVersion.Status.CERTIFIED,
        certified_at=timezone.now(),
        certified_by=user,
        certified_ip=ip_address,
        certification_statement=str(CERTIFICATION_STATEMENT),
        signature=signature,
        language=language,
        content=content,
        fingerprint=content_fingerprint(content),
    )
    if not certified:
        raise Conflict(_("This version has already been certified."))
    application_set_status(application=application, status=Application.Status.SUBMITTED, by=user)
    audit_record(
        actor=user,
        action="declaration.certify",
        obj=locked,
        before={"status": "draft"},
        after={"status": "certified", "fingerprint": content_fingerprint(content)},
        application=application,
    )
    enqueue_on_commit(archive_certified_pdf, version_id=locked.pk)
    enqueue_on_commit(check_filing, version_id=locked.pk)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def declaration_amend(*, declaration: Declaration, user) -> DeclarationVersion:
    """Open a new draft version, prefilled from the latest certified one.

    Before: the latest version is certified (there is no open draft). After: a draft with
    the next number holds a copy of every row, keys kept, so the two can be compared.
    Calling it again while that draft is open returns the same draft.
    """
    application = declaration.application
    if application.researcher_id != user.pk:
        raise ServiceError(_("Only the researcher may amend their own declaration."))
    Declaration.objects.select_for_update().filter(pk=declaration.pk).first()
    draft = declaration.versions.filter(status=DeclarationVersion.Status.DRAFT).first()
    if draft is not None:
        return draft
    latest = declaration.versions.order_by("-number").first()
    try:
        with transaction.atomic():
            version = DeclarationVersion.objects.create(
                declaration=declaration, number=latest.number + 1, based_on=latest
            )
    except IntegrityError:
        # A concurrent amend won the race; its draft is the one to edit.
        return declaration.versions.get(status=DeclarationVersion.Status.DRAFT)
    _copy_items(source=latest, target=version)
    audit_record(
        actor=user,
        action="declaration.amend",
        obj=version,
        before={"latest": latest.number},
        after={"draft": version.number},
        application=application,
    )
    return version


def certified_pdf_archive(*, version: DeclarationVersion) -> CertifiedPdf:
    """Render the PDF of a certified version from its certified content, once.

    Re-running returns the PDF already kept (one per version, enforced by the database).
    """
    from .pdf import render_certified_pdf

    existing = CertifiedPdf.objects.filter(version=version).first()
    if existing is not None:
        return existing
    if not version.is_certified:
        raise ServiceError(_("Only a certified version has a PDF."))
    data = render_certified_pdf(version)
    pdf = CertifiedPdf(version=version, sha256=hashlib.sha256(data).hexdigest())
    pdf.file.save(f"declaration-{version.pk}.pdf", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            pdf.save()
    except IntegrityError:
        pdf.file.delete(save=False)
        return CertifiedPdf.objects.get(version=version)
    return pdf

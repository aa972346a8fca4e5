from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from funding.permissions import application_scope
from funding.selectors import application_for_user_or_404

from .models import SECTIONS, Contract, DeclarationVersion, Document


def version_for_user_or_404(user, application_pk: int, number: int) -> DeclarationVersion:
    application = application_for_user_or_404(user, application_pk)
    return get_object_or_404(
        DeclarationVersion.objects.select_related("declaration__application", "certified_by"),
        declaration__application=application,
        number=number,
    )


def versions_of(application):
    return application.declaration.versions.select_related("certified_by").order_by("number")


def draft_of(application) -> DeclarationVersion | None:
    return application.declaration.versions.filter(status=DeclarationVersion.Status.DRAFT).first()


def latest_version_of(application) -> DeclarationVersion:
    return application.declaration.versions.order_by("-number").first()


def section_initial_rows(version: DeclarationVersion) -> dict[str, list[dict]]:
    """Each section's stored rows as form initial data."""
    rows = {}
    for key, (model, related_name) in SECTIONS.items():
        items = getattr(version, related_name).order_by("position", "id")
        rows[key] = [
            {
                "key": item.key,
                **{
                    name: (
                        getattr(item, name + "_id") if name == "document" else getattr(item, name)
                    )
                    for name in model.content_fields
                },
            }
            for item in items
        ]
    return rows


def document_for_user_or_404(user, pk) -> Document:
    """A document is visible to its uploader and to whoever may see an application whose
    declaration names it."""
    if not user.is_authenticated:
        raise Http404
    visible_contracts = Contract.objects.filter(
        version__declaration__application__in=_visible_application_ids(user)
    )
    return get_object_or_404(
        Document.objects.filter(
            Q(uploaded_by=user) | Q(pk__in=visible_contracts.values("document_id"))
        ).distinct(),
        pk=pk,
    )


def _visible_application_ids(user):
    from funding.models import Application

    return Application.objects.filter(application_scope(user)).values("pk")

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Application, Programme
from .permissions import application_scope


def applications_for_user(user) -> QuerySet[Application]:
    return Application.objects.filter(application_scope(user)).select_related(
        "programme__agency", "institution", "researcher__researcher_profile"
    )


def application_for_user_or_404(user, pk: int) -> Application:
    return get_object_or_404(applications_for_user(user), pk=pk)


def programmes_open_now() -> QuerySet[Programme]:
    return Programme.objects.open_on(timezone.localdate()).select_related("agency")

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import ScreenForm
from .permissions import can_screen_organisations
from .presentation import present_screening
from .screening import screen_organisation


@login_required
@require_GET
def screen(request):
    """Due diligence: screen a prospective partner's name against the restricted lists."""
    if not can_screen_organisations(request.user):
        raise PermissionDenied
    form = ScreenForm(request.GET or None)
    result = None
    if form.is_valid():
        result = present_screening(
            screen_organisation(form.cleaned_data["name"], country=form.cleaned_data["country"])
        )
    return render(request, "checks/screen.html", {"form": form, "result": result})

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import TokenForm
from .services import user_set_language
from .twofactor import (
    base32_secret,
    has_confirmed_device,
    qr_code_data_uri,
    requires_two_factor,
    totp_device_confirm,
    totp_device_start,
)

SETUP_SESSION_KEY = "two_factor_setup_device"


@require_POST
def set_language(request):
    """Django's language switch, which also remembers the choice on the user's account."""
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=request.POST.get("language", ""))
    return django_set_language(request)


class LoginView(auth_views.LoginView):
    """Sign in, and show the portal in the language the user chose last time."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=False,
            )
        return response


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Pair an authenticator app: scan the code, type one code back, keep the recovery codes."""
    if not requires_two_factor(request.user):
        raise Http404
    if has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")  # replacing a device needs the current one
    device = TOTPDevice.objects.filter(
        pk=request.session.get(SETUP_SESSION_KEY), user=request.user, confirmed=False
    ).first()
    if device is None:
        device = totp_device_start(user=request.user)
        request.session[SETUP_SESSION_KEY] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_device_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            del request.session[SETUP_SESSION_KEY]
            otp_login(request, device)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "token",
            _("This code is not right. Check the time on your phone and type the code now shown."),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": qr_code_data_uri(device),
            "secret": base32_secret(device),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """Confirm this sign-in with the authenticator's code or a recovery code."""
    if not requires_two_factor(request.user) or not has_confirmed_device(request.user):
        return redirect("two_factor_setup" if requires_two_factor(request.user) else "home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                remaining = device.token_set.count()
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(count)s remain. Set up "
                        "your authenticator again if you lost it."
                    )
                    % {"count": remaining},
                )
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right, or was already used."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )

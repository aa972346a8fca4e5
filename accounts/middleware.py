from django.conf import settings


class IdleSessionExpiryMiddleware:
    """Sign research offices, officers and administrators out after a spell of inactivity:
    each request of theirs restarts the clock. Researchers keep the normal session age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (user.is_staff or not user.is_researcher):
            request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Research offices, officers and administrators reach nothing but the two-factor pages
    (and sign-out) until this session is verified with their authenticator."""

    ALLOWED_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.shortcuts import redirect

        from .twofactor import has_confirmed_device, requires_two_factor

        user = getattr(request, "user", None)
        if (
            settings.TWO_FACTOR_REQUIRED
            and user is not None
            and requires_two_factor(user)
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            target = "two_factor_verify" if has_confirmed_device(user) else "two_factor_setup"
            response = redirect(target)
            response["Location"] += f"?next={request.get_full_path()}"
            return response
        return self.get_response(request)

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

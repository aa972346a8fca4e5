"""Who may use the research office's pages: research-office staff of an institution, and no
one else (administrators and agency officers included: 403). Which applications an office
sees is decided by funding.permissions.application_scope, through the selectors."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def is_research_office(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_research_office
        and user.institution_id is not None
    )


def research_office_required(view):
    """Anonymous users go to the login page; signed-in users other than office staff get 403,
    before anything about the requested object is looked up."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_research_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)

"""Template filter for the researcher's pages: what the research office told them."""

from django import template

from funding.models import ReviewComment

register = template.Library()


@register.filter
def researcher_notes(application) -> list[ReviewComment]:
    """The research office's requests for changes and endorsements of this application,
    newest first. The office's internal comments are left out."""
    return list(
        application.review_comments.exclude(kind=ReviewComment.Kind.COMMENT).order_by(
            "-created_at", "-pk"
        )
    )

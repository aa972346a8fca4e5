from django.conf import settings
from django.contrib.auth import get_user_model


def user_set_language(*, user, language: str) -> None:
    """Remember the language a signed-in user chose, for pages, e-mails and PDFs."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language

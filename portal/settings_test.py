"""Test overrides: fast hashing, throw-away uploads, tasks in-process unless a test
starts a real worker."""

import tempfile

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Most tests sign staff in directly; tests/accounts/test_two_factor.py turns this on.
TWO_FACTOR_REQUIRED = False

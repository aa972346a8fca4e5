"""Sending tasks to the broker without ever losing the request that asked for them."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits.

    If the broker is unreachable, the user's action (already committed) still succeeds:
    the failure is logged and the periodic sweep picks the work up later.
    """

    def send():
        try:
            task.apply_async(kwargs=kwargs, retry=False)
        except (OperationalError, ConnectionError, OSError):
            logger.exception("Could not queue %s%r; the sweep will catch up", task.name, kwargs)

    transaction.on_commit(send)

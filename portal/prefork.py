"""Work done once in a process that is about to fork its workers, and shared by them."""

import gc
import logging

logger = logging.getLogger(__name__)


def prepare_shared_list_index() -> None:
    """Build the restricted-list matcher before the fork: the Celery worker's main process
    (before its pool) and gunicorn's arbiter (``gunicorn.conf.py``, preloading the app).

    Every child then starts with it, its pages shared copy-on-write, instead of each
    spending seconds and, at national scale, half a gigabyte on its own on its first check
    or screening. A failure here (no database yet, say) only leaves each child to build it
    when first needed. A list loaded later is picked up by each child on its own.
    """
    from django.db import connections

    from checks.engine import list_index_prepare

    try:
        entries = list_index_prepare()
    except Exception:
        logger.warning("Could not prepare the list index at start-up", exc_info=True)
        return
    finally:
        connections.close_all()  # children must not share this process's connection
    # Objects made so far are never collected: forked processes keep sharing their pages.
    gc.freeze()
    logger.info("List index prepared: %d listed entries", entries)

import gc
import logging
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@signals.worker_init.connect
def prepare_list_index(**kwargs) -> None:
    """Build the restricted-list matcher in the worker's main process, before the pool
    forks: every pool process then starts with it (shared copy-on-write) instead of
    spending seconds building its own on its first check. A failure here (no database yet,
    say) only leaves each process to build it when first needed."""
    import django

    django.setup()
    from django.db import connections

    from checks.engine import list_index_prepare

    try:
        entries = list_index_prepare()
    except Exception:
        logger.warning("Could not prepare the list index at start-up", exc_info=True)
        return
    finally:
        connections.close_all()  # pool processes must not share this process's connection
    # Objects made so far are never collected: forked processes keep sharing their pages.
    gc.freeze()
    logger.info("List index prepared: %d listed entries", entries)

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def prepare_list_index(**kwargs) -> None:
    """The worker's main process builds the list matcher once, before its pool forks."""
    import django

    django.setup()
    from portal.prefork import prepare_shared_list_index

    prepare_shared_list_index()

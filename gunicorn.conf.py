"""gunicorn's settings, read from the working directory (Dockerfile, docker-compose.yml).

The application is loaded once in the arbiter, which then builds the restricted-list
matcher before forking its workers: they share it instead of each building its own on its
first screening request (``portal/prefork.py``).
"""

preload_app = True


def when_ready(server):
    from portal.prefork import prepare_shared_list_index

    prepare_shared_list_index()

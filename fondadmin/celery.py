"""The Celery application. Tasks live in each app's ``tasks.py`` and stay thin."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fondadmin.settings")

app = Celery("fondadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _warm(**_kwargs) -> None:
    """Load WeasyPrint (and its fonts' configuration) when the worker starts, so the first
    report does not pay for it (about a second); the web processes never load it."""
    import weasyprint  # noqa: F401

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
    """Load WeasyPrint and lay out a small report when the worker starts (fonts, stylesheet,
    hyphenation patterns, the PDF/UA writer), so the first report does not pay for it (about
    1.5 s); the web processes never load it."""
    from reports.render import warm

    warm()

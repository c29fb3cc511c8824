from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Calls and applications")

    def ready(self):
        # Registered at start-up, so that every process (a Celery worker too) reads the log's
        # actions, renders the notices and knows the cases' organisations.
        from applications import access, conflicts, events, links, notices  # noqa: F401

        conflicts.register()
        links.register()
        access.register_standing()

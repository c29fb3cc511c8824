from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReclaimConfig(AppConfig):
    name = "reclaim"
    verbose_name = _("Reclaim")

    def ready(self):
        from reclaim import events, links, notices  # noqa: F401

        links.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("People and roles")

    def ready(self):
        from django.urls import register_converter

        from core.ids import IdConverter

        # Every id in a path is read one way (before any URLconf is loaded).
        register_converter(IdConverter, "id")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("People and roles")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.urls import register_converter

        from core.ids import IdConverter, YearConverter

        # Every id in a path is read one way (before any URLconf is loaded).
        register_converter(IdConverter, "id")
        register_converter(YearConverter, "year")
        # Logging in starts the idle timeout (the login writes the session anyway).
        user_logged_in.connect(_session_starts, dispatch_uid="core.session_starts")


def _session_starts(sender, request, **kwargs):
    from core.middleware import session_refresh

    if request is not None and hasattr(request, "session"):
        session_refresh(request)

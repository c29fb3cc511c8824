from django.apps import AppConfig


class FondadminConfig(AppConfig):
    """The project package as an app: start pages, site pages and the demo-data command."""

    name = "fondadmin"
    verbose_name = "fondadmin"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from applications.signals import grant_recorded
        from projects import access, conflicts, events, links, notices  # noqa: F401

        conflicts.register()
        access.register_standing()
        links.register()
        grant_recorded.connect(_create_project, dispatch_uid="projects.create_from_grant")


def _create_project(sender, *, decision, actor, **kwargs):
    from projects.services import project_create_from_grant

    project_create_from_grant(actor=actor, decision=decision)

"""The project's page for core's register and the case pages (``core.links``)."""

from django.utils.translation import gettext_lazy as _

from core import links


def _projects(registration_ids):
    from projects.models import Project

    return Project.objects.filter(registration_id__in=registration_ids)


def register() -> None:
    links.register(
        "project",
        _("Project"),
        order=30,
        rows=_projects,
        url_name="projects:detail",
    )

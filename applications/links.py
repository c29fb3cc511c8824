"""The pages of a case's idea sketch and application for core's register and the case pages
(``core.links``)."""

from django.utils.translation import gettext_lazy as _

from core import links


def register() -> None:
    from applications.models import Application, IdeaSketch

    links.register(
        "sketch",
        _("Idea sketch"),
        order=10,
        rows=lambda ids: IdeaSketch.objects.filter(registration_id__in=ids),
        url_name="sketches:detail",
    )
    links.register(
        "application",
        _("Application"),
        order=20,
        rows=lambda ids: Application.objects.filter(registration_id__in=ids),
        url_name="applications:detail",
    )

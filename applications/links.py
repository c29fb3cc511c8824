"""The pages of a case's idea sketch and application for core's register and the case pages
(``core.links``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import links


def _pages(model, name):
    def resolve(registration_ids):
        return {
            registration: reverse(name, args=[pk])
            for pk, registration in model.objects.filter(
                registration_id__in=registration_ids
            ).values_list("pk", "registration_id")
        }

    return resolve


def register() -> None:
    from applications.models import Application, IdeaSketch

    links.register(
        "sketch", _("Idea sketch"), order=10, resolve=_pages(IdeaSketch, "sketches:detail")
    )
    links.register(
        "application",
        _("Application"),
        order=20,
        resolve=_pages(Application, "applications:detail"),
    )

"""A case's pages across the apps (``core.links``): a granted case links its idea sketch, its
application and its project, earliest stage first."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.links import links_for, stages_of

pytestmark = pytest.mark.django_db


def test_a_granted_case_links_its_sketch_application_and_project_in_that_order(project):
    application = project.application
    with translation.override("en"):
        links = links_for([project.registration_id])
        one = stages_of(project.registration_id)
    assert list(links) == [project.registration_id]
    assert [(link.stage, link.title, link.url) for link in links[project.registration_id]] == [
        ("sketch", "Idea sketch", reverse("sketches:detail", args=[application.sketch_id])),
        ("application", "Application", reverse("applications:detail", args=[application.pk])),
        ("project", "Project", reverse("projects:detail", args=[project.pk])),
    ]
    assert one == links[project.registration_id]


def test_no_registration_number_has_no_pages(project):
    assert links_for([None]) == {}
    assert stages_of(None) == []
    assert links_for([project.registration_id + 1000]) == {project.registration_id + 1000: []}

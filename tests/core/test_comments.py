"""Comments on a case's thread (``core.services.comments``), here on a project: written once,
never changed or deleted, withdrawn only by their author and then shown as withdrawn."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.models import Comment
from core.services import comment_add, comment_withdraw
from core.services.comments import MAX_LENGTH
from tests.applications import conftest as applications
from tests.projects import conftest as projects
from tests.projects.conftest import refused

# The granted project of tests/projects and the fixtures it is made from.
project, secretary, social, education = (
    projects.project,
    projects.secretary,
    projects.social,
    projects.education,
)
sketch, applicable_sketch, application = (
    applications.sketch,
    applications.applicable_sketch,
    applications.application,
)
open_call, meeting, council, co_owner_org, nonprofit = (
    applications.open_call,
    applications.meeting,
    applications.council,
    applications.co_owner_org,
    applications.nonprofit,
)

pytestmark = pytest.mark.django_db


def test_a_comment_joins_the_projects_thread(project, applicant, organisation, social):
    first = comment_add(
        actor=applicant, target=project, text="  Bra start. ", organisation=organisation
    )
    second = comment_add(actor=applicant, target=project, text="Om raderna.", about=social)
    assert (first.text, first.author, first.organisation, first.about) == (
        "Bra start.",
        applicant,
        organisation,
        None,
    )
    assert list(Comment.objects.on(project)) == [first, second]
    assert list(Comment.objects.on(project, about=social)) == [second]
    assert list(Comment.objects.on(project.application)) == []


def test_an_empty_comment_is_refused(project, applicant):
    with refused(field="text"):
        comment_add(actor=applicant, target=project, text=" \n ")
    assert not Comment.objects.exists()


def test_a_comment_is_at_most_the_limit_long(project, applicant):
    with translation.override("en"), refused(field="text") as info:
        comment_add(actor=applicant, target=project, text="x" * (MAX_LENGTH + 1))
    assert f"at most {MAX_LENGTH} characters" in info.value.message
    assert not Comment.objects.exists()
    comment_add(actor=applicant, target=project, text="x" * MAX_LENGTH)


def test_only_the_author_withdraws_a_comment(project, applicant, fund_admin):
    comment = comment_add(actor=applicant, target=project, text="Synpunkt.")
    with refused(code="not_author"):
        comment_withdraw(actor=fund_admin, comment=comment)
    comment.refresh_from_db()
    assert comment.withdrawn_at is None


def test_a_withdrawn_comment_stays_in_the_thread_marked_withdrawn(project, applicant):
    comment = comment_add(actor=applicant, target=project, text="Fel tråd.")
    comment_withdraw(actor=applicant, comment=comment)
    kept = Comment.objects.on(project).get()
    assert kept == comment
    assert (kept.text, kept.withdrawn_by) == ("Fel tråd.", applicant)
    assert kept.withdrawn_at is not None
    with refused(code="withdrawn"):
        comment_withdraw(actor=applicant, comment=comment)
    kept.refresh_from_db()
    assert kept.withdrawn_at == Comment.objects.get().withdrawn_at

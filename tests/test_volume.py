"""The volume generator (``manage.py generate_volume``, ``fondadmin.volume``): cases made
through the services, the same for a seed however they were topped up, and refused where it
could mix with real data."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from applications.models import Application, ApplicationState, ReviewAssignment, Score
from fondadmin import volume
from tests import factories

pytestmark = pytest.mark.django_db


def _content() -> list[tuple]:
    """What a seed decides, without ids or clock times."""
    rows = []
    for application in Application.objects.select_related("registration", "owner").order_by(
        "registration__year", "registration__sequence"
    ):
        reviews = sorted(
            (
                assignment.reviewer.email,
                assignment.declared_at is not None,
                tuple(
                    (c.criterion, c.points, c.met)
                    for score in assignment.scores.all()
                    for c in score.criteria.order_by("criterion")
                ),
            )
            for assignment in application.assignments.select_related("reviewer")
        )
        rows.append(
            (
                str(application.registration),
                application.title,
                application.owner.name,
                application.amount_requested,
                application.planned_start,
                sorted(str(p.organisation) for p in application.participants.all()),
                reviews,
            )
        )
    return rows


class Rollback(Exception):
    pass


def test_a_volume_is_submitted_applications_with_council_reviews_made_by_the_services():
    added = volume.generate(volume.VolumeSpec(applications=6, seed=3, open_share=0.5))
    assert added == 6
    applications = Application.objects.all()
    assert applications.count() == 6
    assert set(applications.values_list("state", flat=True)) == {ApplicationState.SUBMITTED}
    assert all(a.current_version == 1 for a in applications)
    # Two council members each, never one in conflict with the case (the services refuse it).
    assert ReviewAssignment.objects.count() == 12
    assert (
        Score.objects.count() + ReviewAssignment.objects.filter(declared_at__isnull=True).count()
        <= 12
    )
    assert Score.objects.count() >= 6
    assert volume.generated_count() == 6


def test_the_same_seed_gives_the_same_cases_in_one_run_or_topped_up():
    spec = volume.VolumeSpec(applications=6, seed=7)
    try:
        with transaction.atomic():
            volume.generate(spec)
            at_once = _content()
            raise Rollback
    except Rollback:
        pass
    assert volume.generated_count() == 0
    volume.generate(volume.VolumeSpec(applications=2, seed=7))
    assert volume.generate(spec) == 4  # only what is missing
    assert _content() == at_once
    assert volume.generate(spec) == 0


def test_topping_up_with_another_seed_is_refused():
    volume.generate(volume.VolumeSpec(applications=1, seed=1))
    with pytest.raises(volume.VolumeRefused, match="seed 1"):
        volume.generate(volume.VolumeSpec(applications=2, seed=2))


def test_refused_on_a_database_with_data_that_was_not_generated():
    factories.person("fund_admin")
    with pytest.raises(volume.VolumeRefused, match="not generated"):
        volume.generate(volume.VolumeSpec(applications=1))
    assert volume.generate(volume.VolumeSpec(applications=1), allow_existing=True) == 1


def test_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("generate_volume", "--applications", "1")
    assert not Application.objects.exists()


def test_reviews_per_application_must_leave_room_for_conflicts():
    with pytest.raises(volume.VolumeRefused, match="Reviews per application"):
        volume.generate(volume.VolumeSpec(applications=1, reviews_per_application=9))

"""The volume generator (``manage.py generate_volume``, ``fondadmin.volume``): cases made
through the services, the same for a seed however they were topped up, and refused where it
could mix with real data."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationState,
    Call,
    CallState,
    IdeaSketch,
    ReviewAssignment,
    Score,
    SketchState,
)
from core.models import EntryKind, Event, LedgerEntry, User
from fondadmin import volume
from fondadmin.volume import cases, people
from fondadmin.volume import projects as volume_projects
from projects.models import AssignmentRole, ProgressReport, Project, ProjectState, ReportState
from projects.money import budget_of, ledger_figures
from projects.plans import period_ends
from reclaim.models import Installment, PlanVersion, VersionState
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
                application.state,
                application.owner.name,
                application.amount_requested,
                application.planned_start,
                sorted(str(p.organisation) for p in application.participants.all()),
                reviews,
            )
        )
    for sketch in IdeaSketch.objects.select_related("registration", "owner", "created_by").order_by(
        "registration__year", "registration__sequence"
    ):
        rows.append(
            (
                str(sketch.registration),
                sketch.title,
                sketch.state,
                sketch.owner.name,
                sketch.created_by.email,
            )
        )
    for project in Project.objects.select_related("registration").order_by("registration_id"):
        figures = ledger_figures(project)
        rows.append(
            (
                str(project.registration),
                project.state,
                figures.granted,
                figures.net_paid,
                [(r.period_end, r.state) for r in project.reports.order_by("period_end")],
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
    # Two applications a call: the top-up below stops in the middle of a call, and the calls
    # decided after it (with their projects) are the same as in one run.
    spec = volume.VolumeSpec(applications=7, seed=7, per_call=2, open_share=0)
    try:
        with transaction.atomic():
            volume.generate(spec)
            at_once = _content()
            raise Rollback
    except Rollback:
        pass
    assert volume.generated_count() == 0
    volume.generate(volume.VolumeSpec(applications=3, seed=7, per_call=2, open_share=0))
    assert volume.generate(spec) == 4  # only what is missing
    assert Project.objects.count() == 2
    assert _content() == at_once
    assert volume.generate(spec) == 0


def test_a_full_call_has_the_board_decide_the_call_before_and_its_projects_run_to_today():
    spec = volume.VolumeSpec(applications=6, seed=3, per_call=2, grant_share=0.5, open_share=0)
    volume.generate(spec)
    calls = list(Call.objects.order_by("idea_sketch_deadline"))
    assert [c.state for c in calls] == [CallState.DECIDED, CallState.DECIDED, CallState.PUBLISHED]
    states = {call.pk: sorted(call.applications.values_list("state", flat=True)) for call in calls}
    granted = [ApplicationState.GRANTED, ApplicationState.NOT_PROPOSED]
    assert states == {
        calls[0].pk: granted,
        calls[1].pk: granted,
        calls[2].pk: [ApplicationState.SUBMITTED] * 2,
    }
    # The last call's council reviews are still to do; the decided calls' are not.
    assert {a.application.call_id for a in ReviewAssignment.objects.open_tasks()} <= {calls[2].pk}
    projects = list(Project.objects.select_related("registration").order_by("pk"))
    assert len(projects) == 2
    for project in projects:
        # Run to its end: the manager named, started, every budget year paid in full from the
        # ledger, every period reported and reviewed, the investment phase ended, evaluated,
        # its reclaim plan decided by the city director and the past years' lines booked.
        assert project.state == ProjectState.IN_RECLAIM
        version = PlanVersion.objects.get(plan__project=project, state=VersionState.APPROVED)
        assert version.decided_by.email == f"director@{volume.DOMAIN}"
        booked = Installment.objects.filter(plan__project=project)
        assert {i.year for i in booked} == {
            line.year for line in version.lines.all() if line.year < timezone.localdate().year
        }
        returns = LedgerEntry.objects.filter(kind=EntryKind.RETURN, case=project.registration)
        assert sorted(e.amount for e in returns) == sorted(i.amount for i in booked)
        assert project.assignments.get(role=AssignmentRole.MANAGER).person.email.endswith(
            "@" + volume.DOMAIN
        )
        figures = ledger_figures(project)
        assert figures.granted == project.application.amount_requested
        assert figures.net_paid == sum(budget_of(project.current_version).values())
        assert figures.outstanding == 0
        # Each recipient's budget year is paid in four quarterly instalments.
        paid = LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT, case=project.registration)
        for (year, recipient), amount in budget_of(project.current_version).items():
            quarters = paid.filter(year=year, organisation_id=recipient)
            assert quarters.count() == 4
            assert sum(e.amount for e in quarters) == amount
        # Four years of savings per benefiting organisation: the plan, decided the year after
        # the project, reclaims the last three of them.
        lines = version.lines.all()
        assert {line.year for line in lines} == {project.ends_on.year + n for n in (2, 3, 4)}
        assert len(lines) == 3 * len({line.organisation_id for line in lines})
        ends = period_ends(project.starts_on, project.ends_on)
        assert [r.period_end for r in project.reports.order_by("period_end")] == ends
        assert set(project.reports.values_list("state", flat=True)) == {ReportState.REVIEWED}
        # Each step is recorded at its historic moment, not today.
        activated = Event.objects.get(action="project.activated", target_id=str(project.pk))
        assert activated.created_at.date() == project.activated_on < ends[0]


def test_an_open_share_leaves_reviews_and_final_reports_to_do():
    volume.generate(
        volume.VolumeSpec(applications=40, seed=5, per_call=4, grant_share=0.5, open_share=0.5)
    )
    projects = Project.objects.order_by("pk")
    # Only fully scored applications are recommended: calls with reviews open grant fewer.
    assert 9 <= projects.count() < 18
    finals = [project.reports.order_by("-period_end")[0].state for project in projects]
    assert set(finals) == {ReportState.DUE, ReportState.SUBMITTED, ReportState.REVIEWED}
    earlier = ProgressReport.objects.exclude(
        pk__in=[p.reports.latest("period_end").pk for p in projects]
    )
    assert set(earlier.values_list("state", flat=True)) == {ReportState.REVIEWED}
    # Evaluated and in reclaim once their phase ended long enough ago.
    states = {p.state for p in projects}
    assert ProjectState.IN_RECLAIM in states
    assert states <= {ProjectState.PHASE_ENDED, ProjectState.EVALUATED, ProjectState.IN_RECLAIM}


def test_one_idea_sketch_in_five_is_judged_not_applicable_and_ends_there():
    volume.generate(volume.VolumeSpec(applications=9, seed=4, per_call=3, grant_share=0))
    declined = IdeaSketch.objects.filter(state=SketchState.NOT_APPLICABLE)
    # After the 4th and the 8th application, in their calls, with the council's reason.
    assert declined.count() == cases.declined(9) == 2
    assert IdeaSketch.objects.count() == 11
    assert not Application.objects.filter(sketch__in=declined).exists()
    for sketch in declined:
        decision = sketch.decisions.get()
        assert decision.reason
        assert sketch.title.endswith(volume.MARK)
    assert sorted(s.call.title[:18] for s in declined) == [
        "Volymutlysning 002",
        "Volymutlysning 003",
    ]


def test_applicants_grow_with_the_volume_each_application_keeping_its_author(monkeypatch):
    monkeypatch.setattr(people, "CASES_PER_APPLICANT", 3)
    volume.generate(volume.VolumeSpec(applications=7, seed=2, grant_share=0))
    for application in Application.objects.select_related("sketch__created_by", "owner"):
        index = int(application.title.removesuffix(volume.MARK)[-5:]) - 1
        author = application.sketch.created_by
        assert author.memberships.filter(organisation=application.owner).exists()
        number = index // 3
        local = author.email.removesuffix("@" + volume.DOMAIN)
        assert local.partition("-")[2] == (f"{number + 1:02d}" if number else "")

    # The first applicant of every city organisation, and one more for each organisation and
    # slot of three that owns a sketch from the fourth application on.
    def index(sketch) -> int:
        return int(sketch.title.removesuffix(volume.MARK).split()[-1][:5]) - 1

    later = {(s.owner_id, index(s) // 3) for s in IdeaSketch.objects.all() if index(s) >= 3}
    city = people.DISTRICTS + people.SPECIALISTS + people.COMPANIES
    applicants = User.objects.filter(role_assignments__role="applicant").distinct()
    assert applicants.count() == city + len(later)


def test_the_city_preset_is_times_the_demo_citys_volume():
    one = volume.VolumeSpec.city(1)
    hundred = volume.VolumeSpec.city(100, seed=2)
    assert (one.applications, one.per_call) == (80, 5)
    assert (hundred.applications, hundred.per_call, hundred.seed) == (8000, 500, 2)
    # Sixteen calls, the last still under review: 15 decided, at least one grant each at 1x,
    # 87 each at 100x (the 1,300 investments).
    assert volume_projects.grants_per_call(one) * 15 == 15
    assert volume_projects.grants_per_call(hundred) * 15 == 1305
    assert cases.declined(hundred.applications) + hundred.applications == 10_000
    with pytest.raises(CommandError, match="--city"):
        call_command("generate_volume", "--city", "1", "--per-call", "3")
    with pytest.raises(CommandError):
        call_command("generate_volume", "--city", "1", "--applications", "3")


def test_the_summary_counts_what_the_generated_fund_holds():
    assert volume.summary() == {}
    volume.generate(volume.VolumeSpec(applications=4, seed=3, per_call=2, open_share=0))
    summary = volume.summary()
    assert summary["idea sketches"] == 5
    assert summary["applications"] == 4
    assert summary["council scores"] == 8
    assert summary["investments"] == Project.objects.count() == 1
    assert summary["progress reports"] == ProgressReport.objects.count() > 0
    assert summary["ledger entries"] == LedgerEntry.objects.count()
    assert summary["reclaim lines decided"] == 6
    assert summary["people"] == User.objects.count()


def test_topping_up_with_another_seed_is_refused():
    volume.generate(volume.VolumeSpec(applications=1, seed=1))
    with pytest.raises(volume.VolumeRefused, match="seed 1"):
        volume.generate(volume.VolumeSpec(applications=2, seed=2))


def test_topping_up_with_another_call_size_is_refused():
    volume.generate(volume.VolumeSpec(applications=1, seed=1, per_call=3))
    with pytest.raises(volume.VolumeRefused, match="3 applications a call"):
        volume.generate(volume.VolumeSpec(applications=2, seed=1))


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

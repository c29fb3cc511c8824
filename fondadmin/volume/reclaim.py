"""The reclaim stage of the generated volume: after a project's investment phase has ended,
its evaluation (the benefits plan's expected reductions, four fifths of them measured) and its
reclaim plan, drafted by the fund administrator, fitted to the cap if need be, sent and decided
by the city director, and each year's lines booked in December of their year, as far as today
goes. Made through the services at their moments, like the rest of the volume."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from core.events import recording_day
from fondadmin.volume.people import World
from projects import services as project_services
from projects.models import Project, ProjectState
from reclaim import plans, services
from reclaim.models import PlanVersion, ReclaimPlan, VersionState
from reclaim.selectors import plan_cap, rules_for
from reclaim.services.plans import lines_of

GENERATED = " (genererat)"
EVALUATED, DRAFTED, DECIDED = 120, 150, 171  # days after the investment phase's last day

Add = Callable[[dt.date, int, Callable[[], None]], None]


def steps(world: World, project: Project, add: Add) -> None:
    """Add the evaluation, the plan and the yearly bookings to the project's steps."""
    ends_on = project.ends_on
    add(ends_on + dt.timedelta(days=EVALUATED), 10, lambda: _evaluate(world, project))
    add(ends_on + dt.timedelta(days=DRAFTED), 10, lambda: _draft(world, project))
    decided = ends_on + dt.timedelta(days=DECIDED)
    add(decided, 11, lambda: _decide(world, project))
    start = plans.first_year(decided, rules_for(world.fund))
    for year in plans.window(start, rules_for(world.fund)):
        add(dt.date(year, 12, 10), 10, lambda y=year: _book(world, project, y))


def _fresh(project: Project) -> Project:
    return Project.objects.select_related("registration__fund", "current_version", "owner").get(
        pk=project.pk
    )


def _evaluate(world: World, project: Project) -> None:
    project = _fresh(project)
    if project.state != ProjectState.PHASE_ENDED:
        return
    savings = [
        (row.organisation_id, row.year, row.amount * 4 // 5 // 1000 * 1000, "Registerdata.")
        for row in project.current_version.savings.all()
        if row.amount >= 1250
    ]
    project_services.evaluation_update(
        actor=world.admin,
        project=project,
        savings=savings,
        economic_effects=bool(savings),
        design="before_after",
        results="Målgruppen nåddes" + GENERATED + ".",
        observed_effects="Lägre kostnader" + GENERATED + "." if savings else "",
    )
    project_services.evaluation_complete(actor=world.admin, evaluation=_fresh(project).evaluation)


def _draft(world: World, project: Project) -> None:
    project = _fresh(project)
    if project.state != ProjectState.EVALUATED or not project.evaluation.economic_effects:
        return
    plan = services.reclaim_plan_draft(actor=world.admin, project=project)
    version = plan.versions.get()
    lines = lines_of(version)
    if not lines:
        return
    if plans.excess(lines, plan_cap(project, rules_for(world.fund))):
        services.plan_version_fit(actor=world.admin, version=version)
    services.plan_version_submit(actor=world.admin, version=version)


def _decide(world: World, project: Project) -> None:
    version = PlanVersion.objects.filter(
        plan__project=project, state=VersionState.SUBMITTED
    ).first()
    if version is not None:
        services.plan_version_approve(actor=world.director, version=version)


def _book(world: World, project: Project, year: int) -> None:
    plan = ReclaimPlan.objects.filter(project=project).first()
    version = (
        PlanVersion.objects.filter(plan=plan, state=VersionState.APPROVED).first()
        if plan is not None
        else None
    )
    if version is None:
        return
    for line in version.lines.filter(year=year).select_related("organisation"):
        services.installment_book(
            actor=world.admin,
            plan=plan,
            organisation=line.organisation,
            year=year,
            amount=line.amount,
            value_date=recording_day(),
        )

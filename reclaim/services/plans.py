"""Reclaim plans: drafted by a fund administrator from the evaluation, decided by the city
director (or the delegate, "på delegation") version by version. The arithmetic is
``reclaim.plans``; the transitions ``reclaim.states``.

Locking order (as every writer of fund money): the fund, then the project, then the plan's
version.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core import access
from core.errors import DomainError
from core.events import event_record, recording_day, recording_time
from core.models import Organisation
from core.money import MAX_AMOUNT, format_kr
from core.notices import notify, notify_fund_administrators
from core.selectors import city_director_and_delegates, fund_administrators
from core.services.ledger import fund_lock
from projects.models import EvaluationState, Project, ProjectState
from projects.notices import organisation_people
from projects.services import project_reclaim_start
from projects.services.locks import project_lock
from reclaim import plans
from reclaim.models import (
    PlanLine,
    PlanState,
    PlanVersion,
    ReclaimPlan,
    ReclaimPolicy,
    VersionState,
)
from reclaim.notices import plan_url
from reclaim.selectors import (
    line_organisations,
    measured_savings,
    plan_cap,
    policy_in_force,
    rules_for,
)
from reclaim.states import OPEN_VERSIONS, PLAN, VERSION

V = VersionState


def _version_lock(version: PlanVersion) -> PlanVersion:
    return (
        PlanVersion.objects.select_for_update(of=("self",))
        .select_related("plan__project__registration__fund", "plan__project__owner")
        .get(pk=version.pk)
    )


def plan_lock(plan: ReclaimPlan) -> ReclaimPlan:
    return (
        ReclaimPlan.objects.select_for_update(of=("self",))
        .select_related("project__registration__fund")
        .get(pk=plan.pk)
    )


def _refuse_unless_evaluated(project: Project) -> None:
    evaluation = getattr(project, "evaluation", None)
    if evaluation is None or evaluation.state != EvaluationState.COMPLETED:
        raise DomainError(
            _("The project has no completed evaluation: a reclaim plan is drafted from it."),
            code="no_evaluation",
        )
    if project.state != ProjectState.EVALUATED:
        raise DomainError(
            _("A project that is %(state)s gets no new reclaim plan.")
            % {"state": project.get_state_display().lower()},
            code="project_state",
        )


@transaction.atomic
def reclaim_plan_draft(*, actor, project: Project) -> ReclaimPlan:
    """Start the project's reclaim plan: version 1, prefilled with the evaluation's measured
    reduction per benefiting organisation and year inside the window (from the first reclaim
    year the fund's rules give for a decision this year). A second click opens the plan
    already started."""
    project = project_lock(project)
    existing = ReclaimPlan.objects.filter(project=project).first()
    if existing is not None:
        return existing
    _refuse_unless_evaluated(project)
    if project.evaluation.economic_effects is False:
        raise DomainError(
            _(
                "The evaluation found no economic effects: the project is exempted from "
                "reclaim instead of given a plan."
            ),
            code="no_effects",
        )
    rules = rules_for(project.registration.fund)
    start_year = plans.first_year(recording_day(), rules)
    drafted = plans.draft(measured_savings(project), start_year, rules)
    plan = ReclaimPlan.objects.create(
        project=project, created_by=actor, created_at=recording_time()
    )
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        start_year=start_year,
        created_by=actor,
        created_at=recording_time(),
    )
    write_lines(version, drafted.lines)
    event_record(
        actor=actor,
        action="reclaim.plan_drafted",
        target=project,
        data={"total": format_kr(drafted.total)},
    )
    return plan


def write_lines(version: PlanVersion, lines: dict[plans.Key, int]) -> None:
    version.lines.all().delete()
    PlanLine.objects.bulk_create(
        PlanLine(version=version, organisation_id=organisation, year=year, amount=amount)
        for (organisation, year), amount in sorted(lines.items())
        if amount > 0
    )


def lines_of(version: PlanVersion) -> dict[plans.Key, int]:
    return {
        (line.organisation_id, line.year): line.amount
        for line in PlanLine.objects.filter(version=version)
    }


def settled_of(plan: ReclaimPlan) -> dict[plans.Key, int]:
    """The lines already booked or waived, with their amounts: no later version changes
    them."""
    return {(row.organisation_id, row.year): row.amount for row in plan.installments.all()}


def _check_lines(version: PlanVersion, lines: dict[plans.Key, int], start_year: int) -> None:
    plan = version.plan
    project = plan.project
    rules = rules_for(project.registration.fund)
    for (_organisation, year), amount in lines.items():
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise DomainError(
                _("The amount for %(year)s must be whole kronor, 0 or more.") % {"year": year},
                field="lines",
            )
    if sum(lines.values()) > MAX_AMOUNT:
        raise DomainError(_("The amount is too large."), field="lines")
    allowed = {organisation.pk for organisation in line_organisations(project)}
    strangers = sorted({organisation for organisation, _year in lines} - allowed)
    if strangers:
        names = ", ".join(
            Organisation.objects.filter(pk__in=strangers)
            .order_by("name")
            .values_list("name", flat=True)
        )
        raise DomainError(
            _(
                "%(names)s takes no part in the project: a reclaim line belongs to an "
                "organisation of the project or one its evaluation names."
            )
            % {"names": names},
            field="lines",
        )
    names = dict(
        Organisation.objects.filter(pk__in={o for o, _y in lines}).values_list("pk", "name")
    )
    found = plans.problems(lines, start_year, rules, None, names=names)
    if found:
        raise DomainError(" ".join(found), field="lines")
    settled = settled_of(plan)
    changed = sorted(key for key, amount in settled.items() if lines.get(key, 0) != amount)
    if changed:
        organisation, year = changed[0]
        raise DomainError(
            _("%(who)s %(year)s is already booked or waived (%(amount)s): it cannot change.")
            % {
                "who": Organisation.objects.get(pk=organisation).name,
                "year": year,
                "amount": format_kr(settled[(organisation, year)]),
            },
            field="lines",
        )


@transaction.atomic
def plan_version_update(
    *, actor, version: PlanVersion, start_year: int, lines: dict[plans.Key, int], reason: str = ""
) -> PlanVersion:
    """Save the draft's first reclaim year and lines (organisation id, year) → kronor; a
    line of 0 is left out. Booked and waived lines keep their amounts."""
    version = _version_lock(version)
    VERSION.check_editable(version)
    if version.plan.installments.exists() and start_year != version.start_year:
        raise DomainError(
            _("Lines have been booked: the first reclaim year can no longer move."),
            field="start_year",
        )
    lines = {key: amount for key, amount in lines.items() if amount != 0}
    _check_lines(version, lines, start_year)
    version.start_year = start_year
    version.reason = (reason or "").strip() or version.reason
    version.save(update_fields=["start_year", "reason"])
    write_lines(version, lines)
    event_record(
        actor=actor,
        action="reclaim.version_updated",
        target=version.plan.project,
        data={"version": version.number},
    )
    return version


@transaction.atomic
def plan_version_fit(*, actor, version: PlanVersion) -> PlanVersion:
    """Scale the draft down to the cap, pro rata over the lines not yet booked or waived."""
    version = _version_lock(version)
    VERSION.check_editable(version)
    project = version.plan.project
    cap = plan_cap(project, rules_for(project.registration.fund))
    lines = lines_of(version)
    if cap is None or plans.excess(lines, cap) == 0:
        raise DomainError(_("The plan is within the cap: there is nothing to fit."), code="fits")
    try:
        fitted = plans.fit_to_cap(lines, cap, settled_of(version.plan))
    except plans.CannotFit as cannot:
        raise DomainError(
            _(
                "The lines already booked or waived are above the cap of %(cap)s: the plan "
                "cannot be fitted to it."
            )
            % {"cap": format_kr(cap)},
            code="cannot_fit",
        ) from cannot
    write_lines(version, fitted)
    event_record(
        actor=actor,
        action="reclaim.version_fitted",
        target=project,
        data={"version": version.number, "cap": format_kr(cap)},
    )
    return version


@transaction.atomic
def plan_version_submit(*, actor, version: PlanVersion) -> PlanVersion:
    """Send the draft to the city director. A version after the first says why."""
    version = _version_lock(version)
    from_state = VERSION.check(version, V.SUBMITTED)
    lines = lines_of(version)
    if not lines:
        raise DomainError(
            _(
                "The plan has no lines. If the project returns nothing inside the reclaim "
                "period, the city director exempts it instead."
            ),
            code="empty",
        )
    if version.number > 1 and not version.reason:
        raise DomainError(_("Say why the plan changes."), field="reason")
    _check_lines(version, lines, version.start_year)
    version.state = V.SUBMITTED
    version.submitted_at = recording_time()
    version.returned_message = ""
    version.save(update_fields=["state", "submitted_at", "returned_message"])
    event_record(
        actor=actor,
        action="reclaim.version_submitted",
        target=version.plan.project,
        from_state=from_state,
        to_state=version.state,
        data={"version": version.number},
    )
    project = version.plan.project
    notify(
        "reclaim_sent",
        case=project,
        url=plan_url(project),
        people=city_director_and_delegates(),
        title=project.title,
        version=version.number,
        total=format_kr(sum(lines.values())),
    )
    return version


def capacity_of(actor, day):
    capacity = access.city_director_capacity(actor, day)
    if capacity is None:
        raise DomainError(
            _(
                "Only the city director, or the delegate during the delegation, decides "
                "reclaim plans."
            ),
            code="not_city_director",
        )
    return capacity


@transaction.atomic
def plan_version_return(*, actor, version: PlanVersion, message: str) -> PlanVersion:
    """The city director sends the version back to the fund administrators, saying why."""
    capacity_of(actor, recording_day())
    version = _version_lock(version)
    from_state = VERSION.check(version, V.DRAFT)
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say what should change."), field="message")
    version.state = V.DRAFT
    version.returned_message = message
    version.save(update_fields=["state", "returned_message"])
    event_record(
        actor=actor,
        action="reclaim.version_returned",
        target=version.plan.project,
        from_state=from_state,
        to_state=version.state,
        comment=message,
        data={"version": version.number},
    )
    project = version.plan.project
    notify(
        "reclaim_returned",
        case=project,
        url=plan_url(project),
        people=list(fund_administrators()),
        comment=message,
        title=project.title,
        version=version.number,
    )
    return version


def _policy_for_decision(fund, actor) -> ReclaimPolicy:
    """The version of the rules in force, stored with the decision (the starting rules are
    recorded as version 1 the first time a plan is decided under them)."""
    policy = policy_in_force(fund)
    if policy is None:
        rules = rules_for(fund)
        policy = ReclaimPolicy.objects.create(
            fund=fund,
            version=1,
            window_years=rules.window_years,
            start_offset=rules.start_offset,
            cap_at_net_paid=rules.cap_at_net_paid,
            reason=_("The fund's starting rules, recorded with the first reclaim decision."),
            created_at=recording_time(),
            created_by=actor,
        )
    return policy


@transaction.atomic
def plan_version_approve(
    *, actor, version: PlanVersion, comment: str = "", above_cap_reason: str = ""
) -> PlanVersion:
    """The city director (or the delegate, "på delegation") decides the version: it is frozen
    with the rules and the cap of the day; above the cap only with ``above_cap_reason``. The
    version it replaces stays visible; the project enters its reclaim."""
    day = recording_day()
    capacity = capacity_of(actor, day)
    fund_lock(version.plan.project.registration.fund_id)
    project = project_lock(version.plan.project)
    version = _version_lock(version)
    from_state = VERSION.check(version, V.APPROVED)
    fund = project.registration.fund
    policy = _policy_for_decision(fund, actor)
    lines = lines_of(version)
    _check_lines(version, lines, version.start_year)
    first = plans.first_year(day, policy.rules)
    if version.number == 1 and version.start_year != first:
        raise DomainError(
            _(
                "Under the fund's reclaim rules a plan decided now starts in %(first)s; this "
                "one starts in %(start)s. Send it back to have its first year changed."
            )
            % {"first": first, "start": version.start_year},
            code="start_year",
        )
    cap = plan_cap(project, policy.rules)
    over = plans.excess(lines, cap)
    above_cap_reason = (above_cap_reason or "").strip()
    if over and not above_cap_reason:
        raise DomainError(
            _(
                "The plan is %(excess)s above the cap of %(cap)s. To decide it as it is, "
                "choose to decide above the cap and give the reason; or send it back to be "
                "fitted to the cap."
            )
            % {"excess": format_kr(over), "cap": format_kr(cap)},
            field="above_cap_reason",
        )
    previous = version.plan.versions.filter(state=V.APPROVED).first()
    if previous is not None:
        VERSION.check(previous, V.SUPERSEDED)
        previous.state = V.SUPERSEDED
        previous.save(update_fields=["state"])
    version.state = V.APPROVED
    version.decided_at = recording_time()
    version.decided_by = actor
    version.on_delegation = capacity.on_delegation
    version.decision_comment = (comment or "").strip()
    version.policy = policy
    version.cap = cap
    version.above_cap_reason = above_cap_reason if over else ""
    version.save(
        update_fields=[
            "state",
            "decided_at",
            "decided_by",
            "on_delegation",
            "decision_comment",
            "policy",
            "cap",
            "above_cap_reason",
        ]
    )
    plan = plan_lock(version.plan)
    if plan.state == PlanState.DRAFTING:
        PLAN.check(plan, PlanState.IN_FORCE)
        plan.state = PlanState.IN_FORCE
        plan.save(update_fields=["state"])
        project_reclaim_start(actor=actor, project=project)
    event_record(
        actor=actor,
        action="reclaim.version_approved",
        target=project,
        from_state=from_state,
        to_state=version.state,
        comment=version.decision_comment,
        data={
            "version": version.number,
            "total": format_kr(sum(lines.values())),
            "capacity": "delegation" if capacity.on_delegation else "",
        },
    )
    notify_decided(project, version.number, lines)
    return version


def notify_decided(project, number: int, lines: dict[plans.Key, int]) -> None:
    """The fund administrators, and the people of each organisation with lines, their total."""
    url = plan_url(project)
    notify_fund_administrators(
        "reclaim_decided_fund",
        case=project,
        url=url,
        title=project.title,
        version=number,
        total=format_kr(sum(lines.values())),
    )
    totals: dict[int, int] = {}
    for (organisation, _year), amount in lines.items():
        totals[organisation] = totals.get(organisation, 0) + amount
    for organisation in Organisation.objects.filter(pk__in=totals).order_by("name"):
        notify(
            "reclaim_decided",
            case=project,
            url=url,
            people=organisation_people(organisation.pk),
            title=project.title,
            version=number,
            organisation=organisation.name,
            total=format_kr(totals[organisation.pk]),
        )


@transaction.atomic
def plan_adjustment_start(*, actor, plan: ReclaimPlan) -> PlanVersion:
    """A new version of the plan in force, drafted from it (the yearly follow-up's
    adjustment of the years not yet booked). A second click opens the draft already
    started."""
    plan = plan_lock(plan)
    open_version = plan.versions.filter(state__in=OPEN_VERSIONS).first()
    if open_version is not None:
        return open_version
    PLAN.check_editable(plan)
    current = plan.versions.filter(state=V.APPROVED).first()
    if current is None:
        raise DomainError(
            _("The plan has no decided version to adjust yet."), code="nothing_in_force"
        )
    last = plan.versions.order_by("-number").first()
    version = PlanVersion.objects.create(
        plan=plan,
        number=last.number + 1,
        start_year=current.start_year,
        created_by=actor,
        created_at=recording_time(),
    )
    write_lines(version, lines_of(current))
    event_record(
        actor=actor,
        action="reclaim.adjustment_started",
        target=plan.project,
        data={"version": version.number},
    )
    return version

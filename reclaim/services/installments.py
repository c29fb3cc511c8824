"""What becomes of a decided plan's lines: booked (a return entry in the ledger at the line's
decided amount), or waived with a reason; the whole project exempt from reclaim; after the last
reclaim year, the final budget adjustments and the plan's close."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record, recording_day, recording_time
from core.models import EntryKind, Organisation
from core.money import format_kr
from core.notices import notify
from core.services.ledger import fund_lock, ledger_entry_record
from projects.models import EvaluationState, Project, ProjectState
from projects.notices import project_side
from projects.services import project_close
from projects.services.locks import project_lock
from reclaim import plans
from reclaim.models import (
    BudgetAdjustment,
    FollowUp,
    Installment,
    InstallmentState,
    PlanState,
    PlanVersion,
    ReclaimPlan,
    VersionState,
)
from reclaim.notices import plan_url
from reclaim.selectors import last_reclaim_year, rules_of
from reclaim.services.plans import capacity_of, plan_lock
from reclaim.states import PLAN

B, W = InstallmentState.BOOKED, InstallmentState.WAIVED


def in_force(plan: ReclaimPlan) -> PlanVersion:
    version = plan.versions.filter(state=VersionState.APPROVED).first()
    if version is None or plan.state != PlanState.IN_FORCE:
        raise DomainError(
            _("The reclaim plan has no decided version in force."), code="not_in_force"
        )
    return version


def _line(version: PlanVersion, organisation: Organisation, year: int) -> int:
    line = version.lines.filter(organisation=organisation, year=year).first()
    if line is None:
        raise DomainError(
            _("The plan in force has no line for %(who)s %(year)s.")
            % {"who": organisation.name, "year": year},
            code="no_line",
        )
    return line.amount


def _refuse_if_settled(plan: ReclaimPlan, organisation: Organisation, year: int) -> None:
    done = plan.installments.filter(organisation=organisation, year=year).first()
    if done is not None:
        raise DomainError(
            _("%(who)s %(year)s was already %(state)s on %(date)s (%(amount)s).")
            % {
                "who": organisation.name,
                "year": year,
                "state": done.get_state_display().lower(),
                "date": done.recorded_at.date().isoformat(),
                "amount": format_kr(done.amount),
            },
            code="settled",
        )


@transaction.atomic
def installment_book(
    *,
    actor,
    plan: ReclaimPlan,
    organisation: Organisation,
    year: int,
    amount: int,
    value_date: dt.date | None = None,
) -> Installment:
    """The organisation's budget has been reduced by the line's amount: a return to the fund
    (a ledger entry at the decided amount; another amount needs a decided adjustment first)."""
    value_date = value_date or recording_day()
    fund_lock(plan.project.registration.fund_id)
    plan = plan_lock(plan)
    version = in_force(plan)
    decided = _line(version, organisation, year)
    _refuse_if_settled(plan, organisation, year)
    if amount != decided:
        raise DomainError(
            _(
                "The plan in force says %(decided)s for %(who)s %(year)s. To book another "
                "amount, the plan is adjusted first and the city director decides it."
            )
            % {"decided": format_kr(decided), "who": organisation.name, "year": year},
            field="amount",
        )
    if value_date.year < year:
        raise DomainError(
            _("The line falls due in %(year)s: it is booked in that year or later.")
            % {"year": year},
            field="value_date",
        )
    installment = Installment(
        plan=plan,
        organisation=organisation,
        year=year,
        state=B,
        amount=amount,
        recorded_at=recording_time(),
        recorded_by=actor,
    )
    installment.entry = ledger_entry_record(
        actor=actor,
        fund=plan.project.registration.fund,
        kind=EntryKind.RETURN,
        amount=amount,
        value_date=value_date,
        case=plan.project.registration,
        organisation=organisation,
        year=year,
        reference=_("Reclaim plan version %(version)s") % {"version": version.number},
    )
    try:
        with transaction.atomic():
            installment.save()
    except IntegrityError as twice:  # the same line booked at the same instant elsewhere
        raise DomainError(_("The line has just been booked."), code="settled") from twice
    event_record(
        actor=actor,
        action="reclaim.installment_booked",
        target=plan.project,
        data={"organisation": organisation.name, "year": year, "amount": format_kr(amount)},
    )
    return installment


@transaction.atomic
def installment_waive(
    *, actor, plan: ReclaimPlan, organisation: Organisation, year: int, reason: str
) -> Installment:
    """The city director (or the delegate) waives one line of the plan in force, saying why:
    nothing is owed for it."""
    capacity_of(actor, recording_day())
    plan = plan_lock(plan)
    version = in_force(plan)
    amount = _line(version, organisation, year)
    _refuse_if_settled(plan, organisation, year)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the line is waived."), field="reason")
    installment = Installment.objects.create(
        plan=plan,
        organisation=organisation,
        year=year,
        state=W,
        amount=amount,
        reason=reason,
        recorded_at=recording_time(),
        recorded_by=actor,
    )
    event_record(
        actor=actor,
        action="reclaim.installment_waived",
        target=plan.project,
        comment=reason,
        data={"organisation": organisation.name, "year": year, "amount": format_kr(amount)},
    )
    return installment


@transaction.atomic
def reclaim_exempt(*, actor, project: Project, reason: str) -> ReclaimPlan:
    """The city director (or the delegate) exempts the whole project from reclaim: it gave no
    economic effects (the evaluation is the basis). Nothing is owed; the project closes."""
    capacity = capacity_of(actor, recording_day())
    project = project_lock(project)
    evaluation = getattr(project, "evaluation", None)
    if evaluation is None or evaluation.state != EvaluationState.COMPLETED:
        raise DomainError(
            _("The project has no completed evaluation to base an exemption on."),
            code="no_evaluation",
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the project is exempt."), field="reason")
    plan = ReclaimPlan.objects.filter(project=project).first()
    if plan is None:
        if project.state != ProjectState.EVALUATED:
            raise DomainError(
                _("A project that is %(state)s cannot be exempted from reclaim.")
                % {"state": project.get_state_display().lower()},
                code="project_state",
            )
        plan = ReclaimPlan.objects.create(
            project=project, created_by=actor, created_at=recording_time()
        )
    plan = plan_lock(plan)
    PLAN.check(plan, PlanState.EXEMPT)
    plan.state = PlanState.EXEMPT
    plan.exempt_reason = reason
    plan.exempt_at = recording_time()
    plan.exempt_by = actor
    plan.exempt_on_delegation = capacity.on_delegation
    plan.save(
        update_fields=["state", "exempt_reason", "exempt_at", "exempt_by", "exempt_on_delegation"]
    )
    event_record(
        actor=actor,
        action="reclaim.exempted",
        target=project,
        comment=reason,
        data={"capacity": "delegation" if capacity.on_delegation else ""},
    )
    project_close(actor=actor, project=project, reason=reason)
    notify(
        "reclaim_exempted",
        case=project,
        url=plan_url(project),
        people=project_side(project),
        comment=reason,
        title=project.title,
    )
    return plan


@transaction.atomic
def budget_adjustment_record(
    *,
    actor,
    plan: ReclaimPlan,
    organisation: Organisation,
    amount: int,
    reference: str,
    decided_on: dt.date,
) -> BudgetAdjustment:
    """After the last reclaim year: the permanent change of one organisation's ordinary budget
    frame (signed kronor) with its decision's reference. Nothing in the ledger; not counted
    against the cap."""
    plan = plan_lock(plan)
    in_force(plan)
    after = last_reclaim_year(in_force(plan))
    if recording_day().year <= after:
        raise DomainError(
            _("The final budget adjustment comes after the last reclaim year, %(year)s.")
            % {"year": after},
            code="too_early",
        )
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(_("Name the decision (its reference)."), field="reference")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise DomainError(_("Give the change in whole kronor."), field="amount")
    if plan.adjustments.filter(organisation=organisation).exists():
        raise DomainError(
            _("%(who)s already has its final budget adjustment.") % {"who": organisation.name},
            code="adjusted",
        )
    adjustment = BudgetAdjustment.objects.create(
        plan=plan,
        organisation=organisation,
        amount=amount,
        reference=reference,
        decided_on=decided_on,
        recorded_at=recording_time(),
        recorded_by=actor,
    )
    event_record(
        actor=actor,
        action="reclaim.budget_adjusted",
        target=plan.project,
        data={"organisation": organisation.name, "amount": format_kr(amount)},
    )
    return adjustment


@transaction.atomic
def reclaim_plan_close(*, actor, plan: ReclaimPlan) -> ReclaimPlan:
    """Every line of the plan in force is booked or waived and the final budget adjustments
    are recorded: the plan closes, and with it the project's work with the fund."""
    plan = plan_lock(plan)
    version = in_force(plan)
    settled = set(plan.installments.values_list("organisation_id", "year"))
    unsettled = sum(
        (organisation, year) not in settled
        for organisation, year in version.lines.values_list("organisation_id", "year")
    )
    if unsettled:
        raise DomainError(
            _("%(count)s lines of the plan are neither booked nor waived yet.")
            % {"count": unsettled},
            code="open_lines",
        )
    PLAN.check(plan, PlanState.CLOSED)
    plan.state = PlanState.CLOSED
    plan.closed_at = recording_time()
    plan.save(update_fields=["state", "closed_at"])
    event_record(actor=actor, action="reclaim.plan_closed", target=plan.project)
    project_close(actor=actor, project=project_lock(plan.project))
    return plan


@transaction.atomic
def follow_up_record(
    *, actor, plan: ReclaimPlan, year: int, amounts: dict[int, int | None], note: str = ""
) -> list[FollowUp]:
    """The yearly follow-up: the verified actual reduction per organisation (id → kronor; None
    leaves it unrecorded) in one reclaim year of the plan in force, this year or earlier.
    Recording again corrects it (the history keeps the earlier figure)."""
    plan = plan_lock(plan)
    version = in_force(plan)
    years = plans.window(version.start_year, rules_of(version))
    if year not in years:
        raise DomainError(
            _("%(year)s is outside the reclaim period %(first)s–%(last)s.")
            % {"year": year, "first": years[0], "last": years[-1]},
            code="outside",
        )
    if year > recording_day().year:
        raise DomainError(
            _("%(year)s has not begun: its actual reduction is verified afterwards.")
            % {"year": year},
            code="future",
        )
    allowed = set(version.lines.values_list("organisation_id", flat=True))
    strangers = set(amounts) - allowed
    if strangers:
        raise DomainError(
            _("Only the organisations with lines in the plan are followed up."), field="amounts"
        )
    recorded = []
    for organisation_id, amount in sorted(amounts.items()):
        if amount is None:
            continue
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise DomainError(
                _("A verified reduction is whole kronor, 0 or more."), field="amounts"
            )
        row, _created = FollowUp.objects.update_or_create(
            plan=plan,
            organisation_id=organisation_id,
            year=year,
            defaults={
                "amount": amount,
                "note": (note or "").strip(),
                "recorded_at": recording_time(),
                "recorded_by": actor,
            },
        )
        recorded.append(row)
    if not recorded:
        raise DomainError(_("Give at least one verified reduction."), field="amounts")
    event_record(
        actor=actor,
        action="reclaim.follow_up_recorded",
        target=plan.project,
        comment=(note or "").strip(),
        data={"year": year, "count": len(recorded)},
    )
    return recorded

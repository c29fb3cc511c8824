"""The project a grant creates, its board's conditions, and its states."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import BoardDecision, BoardOutcome, FundingSource
from core.errors import DomainError
from core.events import event_record, recording_day, recording_time
from core.money import format_kr
from core.notices import notify
from projects import notices
from projects.models import (
    BudgetLine,
    Condition,
    ExpectedSaving,
    Project,
    ProjectIndicator,
    ProjectParticipant,
    ProjectState,
    ProjectVersion,
    VersionSource,
)
from projects.plans import budget_from_grant, condition_texts
from projects.rules import start_refusal
from projects.services.locks import project_lock
from projects.states import PROJECT

S = ProjectState


@transaction.atomic
def project_create_from_grant(*, actor, decision: BoardDecision) -> Project:
    """The project of a recorded grant (once: a second call returns the same project), with
    the application's organisations, indicators and benefits plan, the board's conditions, and
    a first version whose budget spreads the decided amounts over the application's
    fund-financed budget rows. After a reduced grant the owner must revise budget and benefits
    plan before the first payment."""
    existing = Project.objects.filter(board_decision=decision).first()
    if existing is not None:
        return existing
    application = decision.application
    reduced = decision.outcome == BoardOutcome.GRANTED_REDUCED
    project = Project.objects.create(
        application=application,
        board_decision=decision,
        registration=application.registration,
        owner=application.owner,
        title=application.title,
        summary=application.summary,
        granted_amount=decision.amount,
        starts_on=application.planned_start,
        ends_on=application.planned_end,
        revision_required=reduced,
        created_at=recording_time(),
    )
    ProjectParticipant.objects.bulk_create(
        ProjectParticipant(project=project, organisation_id=p.organisation_id, role=p.role)
        for p in application.participants.all()
    )
    Condition.objects.bulk_create(
        Condition(project=project, text=text) for text in condition_texts(decision.conditions)
    )
    ProjectIndicator.objects.bulk_create(
        ProjectIndicator(
            project=project,
            name=row.name,
            unit=row.unit,
            baseline=row.baseline,
            target=row.target,
            data_source=row.data_source,
        )
        for row in application.indicators.all()
    )
    version = ProjectVersion.objects.create(
        project=project,
        number=1,
        source=VersionSource.GRANT,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        created_by=actor,
        created_at=recording_time(),
    )
    fund_rows = [
        (row.year, row.recipient_id, row.cost_type, row.amount)
        for row in application.budget.filter(funding_source=FundingSource.FUND)
    ]
    decided = {row.year: row.amount for row in decision.years.all()} or _fallback_years(
        project, decision.amount
    )
    lines = budget_from_grant(decided, fund_rows, application.owner_id)
    BudgetLine.objects.bulk_create(
        BudgetLine(version=version, year=year, recipient_id=recipient, cost_type=use, amount=amount)
        for (year, recipient, use), amount in sorted(lines.items())
    )
    ExpectedSaving.objects.bulk_create(
        ExpectedSaving(
            version=version,
            organisation_id=organisation,
            year=year,
            amount=amount,
            assumptions=assumptions,
        )
        for (organisation, year), (amount, assumptions) in _savings(application).items()
    )
    project.current_version = version
    project.save(update_fields=["current_version"])
    event_record(
        actor=actor,
        action="project.created",
        target=project,
        to_state=project.state,
        data={"reference": decision.reference},
    )
    if reduced:
        notify(
            "project_revision_asked",
            case=project,
            url=notices.project_url(project),
            people=notices.owner_staff(project),
            amount=format_kr(decision.amount),
        )
    return project


def _fallback_years(project: Project, amount: int) -> dict[int, int]:
    """Without amounts per year, the whole grant falls in the first year of the period."""
    year = project.starts_on.year if project.starts_on else recording_day().year
    return {year: amount}


def _savings(application) -> dict[tuple[int, int], tuple[int, str]]:
    """The application's benefits plan, one row per organisation and year."""
    rows: dict[tuple[int, int], tuple[int, str]] = {}
    for row in application.savings.all():
        key = (row.organisation_id, row.year)
        amount, assumptions = rows.get(key, (0, ""))
        rows[key] = (amount + row.amount, "\n".join(filter(None, [assumptions, row.assumptions])))
    return rows


# --- Conditions ---------------------------------------------------------------------------


@transaction.atomic
def condition_meet(
    *, actor, condition: Condition, note: str = "", today: dt.date | None = None
) -> Condition:
    """A fund administrator checks off one of the board's conditions, with a note."""
    day = today or recording_day()
    project = project_lock(condition.project)
    condition = Condition.objects.select_for_update().get(pk=condition.pk)
    if project.state != S.STARTING:
        raise DomainError(
            _("The conditions are checked before the project starts; it is %(state)s.")
            % {"state": project.get_state_display().lower()},
            code="not_starting",
        )
    if condition.met_on is not None:
        raise DomainError(
            _("The condition was already checked off on %(date)s.")
            % {"date": condition.met_on.isoformat()},
            code="already_met",
        )
    condition.met_on = day
    condition.met_by = actor
    condition.note = (note or "").strip()
    condition.save(update_fields=["met_on", "met_by", "note"])
    event_record(
        actor=actor,
        action="project.condition_met",
        target=project,
        comment=condition.note,
        data={"condition": condition.text[:200]},
    )
    return condition


# --- States -------------------------------------------------------------------------------


def _move(*, actor, project: Project, to: str, action: str, reason: str = "", tell: bool = True):
    from_state = PROJECT.check(project, to)
    fields = ["state"]
    if to == S.PAUSED:
        project.paused_from = from_state
        fields.append("paused_from")
    if reason:
        project.state_reason = reason
        fields.append("state_reason")
    project.state = to
    project.save(update_fields=fields)
    event_record(
        actor=actor,
        action=action,
        target=project,
        from_state=from_state,
        to_state=to,
        comment=reason,
    )
    if tell:
        notify(
            "project_state_changed",
            case=project,
            url=notices.project_url(project),
            people=notices.project_side(project),
            comment=reason,
            title=project.title,
            state=project.get_state_display().lower(),
        )
    return project


@transaction.atomic
def project_activate(*, actor, project: Project, today: dt.date | None = None) -> Project:
    """The project starts: its conditions met and, after a reduced grant, its revised budget
    accepted. From then on it can be paid and owes progress reports."""
    project = project_lock(project)
    refusal = start_refusal(project)
    if refusal is not None:
        raise refusal
    project.activated_on = today or recording_day()
    project.save(update_fields=["activated_on"])
    return _move(actor=actor, project=project, to=S.ACTIVE, action="project.activated")


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(message, field="reason")
    return reason


@transaction.atomic
def project_pause(*, actor, project: Project, reason: str) -> Project:
    """No payments while paused; progress reports still fall due."""
    project = project_lock(project)
    PROJECT.check(project, S.PAUSED)
    reason = _reason(reason, _("Give the reason for pausing the project."))
    return _move(actor=actor, project=project, to=S.PAUSED, action="project.paused", reason=reason)


@transaction.atomic
def project_resume(*, actor, project: Project) -> Project:
    project = project_lock(project)
    if project.state != S.PAUSED:
        raise DomainError(_("Only a paused project can be resumed."), code="not_paused")
    return _move(actor=actor, project=project, to=S.ACTIVE, action="project.resumed")


@transaction.atomic
def project_cancel(*, actor, project: Project, reason: str) -> Project:
    """Cancelled for good: nothing more is paid; what is left of the grant is then released."""
    project = project_lock(project)
    PROJECT.check(project, S.CANCELLED)
    reason = _reason(reason, _("Give the reason for cancelling the project."))
    return _move(
        actor=actor, project=project, to=S.CANCELLED, action="project.cancelled", reason=reason
    )


@transaction.atomic
def project_phase_end(*, actor, project: Project, today: dt.date | None = None) -> Project:
    """The investment phase has ended (on or after its end date): the evaluation comes next,
    and what will not be paid can be released."""
    day = today or recording_day()
    project = project_lock(project)
    PROJECT.check(project, S.PHASE_ENDED)
    if project.ends_on and day < project.ends_on:
        raise DomainError(
            _(
                "The investment phase ends on %(date)s. To end it earlier, ask for a change of "
                "the end date."
            )
            % {"date": project.ends_on.isoformat()},
            code="phase_not_over",
        )
    return _move(actor=actor, project=project, to=S.PHASE_ENDED, action="project.phase_ended")


@transaction.atomic
def project_reclaim_start(*, actor, project: Project) -> Project:
    """Its reclaim plan has been decided (the reclaim app calls this)."""
    project = project_lock(project)
    return _move(
        actor=actor, project=project, to=S.IN_RECLAIM, action="project.reclaim_started", tell=False
    )


@transaction.atomic
def project_close(*, actor, project: Project, reason: str = "") -> Project:
    """The project's work with the fund has ended (after its reclaim, or exempt from it)."""
    project = project_lock(project)
    return _move(
        actor=actor,
        project=project,
        to=S.CLOSED,
        action="project.closed",
        reason=(reason or "").strip(),
    )

"""Change requests, and the revision of budget and benefits plan after a reduced grant.

The project manager (or deputy) asks to move money between years, recipients or uses within
the granted total, to move the end of the investment phase, or to change the scope; after a
reduced grant the owner organisation's staff revise budget and benefits plan to the amount
granted. A fund administrator approves (the change becomes the project's next version, which
the budget follows) or rejects, with a reason.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import CostType
from core.errors import DomainError
from core.events import event_record
from core.notices import notify
from core.selectors import fund_administrators
from core.services.ledger import fund_lock
from projects import notices
from projects.models import (
    BudgetLine,
    ChangeBudgetLine,
    ChangeKind,
    ChangeRequest,
    ChangeSaving,
    ChangeState,
    ExpectedSaving,
    Project,
    ProjectVersion,
    VersionSource,
)
from projects.money import ledger_figures
from projects.plans import allowed_recipients, budget_refusal
from projects.services.locks import change_lock, project_lock
from projects.states import CHANGE, OPEN_CHANGES, PROJECT

C = ChangeState
MAX_TEXT = 20000


def change_start_refusal(project: Project, kind: str) -> DomainError | None:
    """Why a change request (or, after a reduced grant, the revision) cannot be started."""
    open_change = project.changes.filter(state__in=OPEN_CHANGES).first()
    if open_change is not None:
        return DomainError(
            _("A %(kind)s is already open (started %(date)s); finish or withdraw it first.")
            % {
                "kind": open_change.get_kind_display().lower(),
                "date": timezone.localdate(open_change.created_at).isoformat(),
            },
            code="open_change",
        )
    if kind == ChangeKind.REVISION:
        if not project.revision_required:
            return DomainError(
                _("The project's budget needs no revision after the grant."), code="no_revision"
            )
        return None
    if project.revision_required:
        return DomainError(
            _("First the owner's revised budget after the reduced grant must be accepted."),
            code="revision_required",
        )
    if not PROJECT.is_editable(project):
        return DomainError(
            _("The project is %(state)s; its plans can no longer be changed.")
            % {"state": project.get_state_display().lower()},
            code="not_editable",
        )
    return None


@transaction.atomic
def change_request_create(*, actor, project: Project, kind: str) -> ChangeRequest:
    """A draft, prefilled with the current version's budget (and benefits plan)."""
    project = project_lock(project)
    if kind not in ChangeKind.values:
        raise DomainError(_("Choose the kind of change."), field="kind")
    refusal = change_start_refusal(project, kind)
    if refusal is not None:
        raise refusal
    base = project.current_version
    change = ChangeRequest.objects.create(project=project, kind=kind, created_by=actor, base=base)
    ChangeBudgetLine.objects.bulk_create(
        ChangeBudgetLine(
            change=change,
            year=line.year,
            recipient_id=line.recipient_id,
            cost_type=line.cost_type,
            amount=line.amount,
        )
        for line in base.budget.all()
    )
    ChangeSaving.objects.bulk_create(
        ChangeSaving(
            change=change,
            organisation_id=row.organisation_id,
            year=row.year,
            amount=row.amount,
            assumptions=row.assumptions,
        )
        for row in base.savings.all()
    )
    event_record(actor=actor, action="change.created", target=project, data={"change": kind})
    return change


@transaction.atomic
def change_request_update(
    *,
    actor,
    change: ChangeRequest,
    reason: str = "",
    ends_on: dt.date | None = None,
    scope: str = "",
    budget: list[tuple[int, int, str, int]] | None = None,
    savings: list[tuple[int, int, int, str]] | None = None,
) -> ChangeRequest:
    """Save the draft: the reason, a new end of the investment phase (None: unchanged), a new
    scope (empty: unchanged), the whole proposed budget and (after a reduced grant) benefits
    plan. Rows are checked for their shape here, the whole change when it is submitted."""
    change = change_lock(change)
    CHANGE.check_editable(change)
    for _year, _recipient, cost_type, amount in budget or []:
        if cost_type not in CostType.values or not isinstance(amount, int) or amount < 0:
            raise DomainError(
                _("Each budget line needs a use and an amount of 0 kr or more."), field="budget"
            )
    for _organisation, _year, amount, _text in savings or []:
        if not isinstance(amount, int) or amount < 0:
            raise DomainError(_("Each expected reduction is 0 kr or more."), field="savings")
    change.reason = (reason or "").strip()[:MAX_TEXT]
    change.ends_on = ends_on
    change.scope = (scope or "").strip()[:MAX_TEXT]
    change.save(update_fields=["reason", "ends_on", "scope"])
    if budget is not None:
        change.budget.all().delete()
        ChangeBudgetLine.objects.bulk_create(
            ChangeBudgetLine(
                change=change, year=year, recipient_id=recipient, cost_type=use, amount=amount
            )
            for year, recipient, use, amount in budget
        )
    if savings is not None and change.kind == ChangeKind.REVISION:
        change.savings.all().delete()
        ChangeSaving.objects.bulk_create(
            ChangeSaving(
                change=change,
                organisation_id=organisation,
                year=year,
                amount=amount,
                assumptions=(text or "").strip(),
            )
            for organisation, year, amount, text in savings
        )
    event_record(
        actor=actor, action="change.updated", target=change.project, data={"change": change.kind}
    )
    return change


def _proposed_years(project: Project, change: ChangeRequest) -> range:
    start = project.starts_on
    end = change.ends_on or project.ends_on
    if start is None or end is None:
        return range(0)
    return range(start.year, end.year + 1)


def change_refusal(change: ChangeRequest) -> DomainError | None:
    """Why the change cannot be submitted or approved as it stands, or None: the reason, the
    new end, the proposed budget against the grant and what has been paid (``budget_refusal``),
    and a benefits plan of city organisations. ``change.project`` is loaded."""
    project = change.project
    if not change.reason.strip():
        return DomainError(_("Say what changes and why."), field="reason")
    if change.ends_on is not None:
        if project.starts_on and change.ends_on < project.starts_on:
            return DomainError(
                _("The investment phase cannot end before it starts (%(date)s).")
                % {"date": project.starts_on.isoformat()},
                field="ends_on",
            )
        longest = project.registration.fund.max_project_years
        if project.starts_on and change.ends_on.year - project.starts_on.year + 1 > longest:
            return DomainError(
                ngettext(
                    "The investment phase may span at most %(years)s calendar year.",
                    "The investment phase may span at most %(years)s calendar years.",
                    longest,
                )
                % {"years": longest},
                field="ends_on",
            )
    figures = ledger_figures(project)
    refusal = budget_refusal(
        lines=[(r.year, r.recipient_id, r.cost_type, r.amount) for r in change.budget.all()],
        committed=figures.committed,
        paid={key: figures.paid(key) for key in figures.disbursed if figures.paid(key) > 0},
        allowed=allowed_recipients(project),
        years=_proposed_years(project, change),
        exact=change.kind == ChangeKind.REVISION,
    )
    if refusal is not None:
        return refusal
    if change.kind == ChangeKind.REVISION:
        rows = list(change.savings.select_related("organisation"))
        if any(not row.organisation.can_own_cases for row in rows):
            return DomainError(
                _("Cost reductions arise in the city's organisations, not in non-profit partners."),
                field="savings",
            )
        keys = [(row.organisation_id, row.year) for row in rows]
        if len(keys) != len(set(keys)):
            return DomainError(
                _("The benefits plan names an organisation twice for the same year."),
                field="savings",
            )
    return None


def _project_of(change: ChangeRequest) -> Project:
    change.project = Project.objects.select_related("registration__fund", "current_version").get(
        pk=change.project_id
    )
    return change.project


@transaction.atomic
def change_request_submit(*, actor, change: ChangeRequest) -> ChangeRequest:
    change = change_lock(change)
    project = _project_of(change)
    from_state = CHANGE.check(change, C.SUBMITTED)
    refusal = change_refusal(change)
    if refusal is not None:
        raise refusal
    change.state = C.SUBMITTED
    change.submitted_at = timezone.now()
    change.submitted_by = actor
    change.save(update_fields=["state", "submitted_at", "submitted_by"])
    event_record(
        actor=actor,
        action="change.submitted",
        target=project,
        from_state=from_state,
        to_state=change.state,
        comment=change.reason,
        data={"change": change.kind},
    )
    notify(
        "change_submitted",
        case=project,
        url=notices.change_url(change),
        people=list(fund_administrators()),
        comment=change.reason,
        kind=change.get_kind_display().lower(),
        title=project.title,
    )
    return change


@transaction.atomic
def change_request_withdraw(*, actor, change: ChangeRequest) -> ChangeRequest:
    change = change_lock(change)
    project = _project_of(change)
    from_state = CHANGE.check(change, C.WITHDRAWN)
    change.state = C.WITHDRAWN
    change.save(update_fields=["state"])
    event_record(
        actor=actor,
        action="change.withdrawn",
        target=project,
        from_state=from_state,
        to_state=change.state,
        data={"change": change.kind},
    )
    return change


def _decided(actor, change: ChangeRequest, project: Project, decision: str, reason: str) -> None:
    notify(
        "change_decided",
        case=project,
        url=notices.change_url(change),
        people=[*notices.project_side(project), change.submitted_by],
        comment=reason,
        kind=change.get_kind_display().lower(),
        decision=decision,
    )


@transaction.atomic
def change_request_approve(*, actor, change: ChangeRequest, reason: str = "") -> ChangeRequest:
    """The change becomes the project's next version: its budget, benefits plan (after a
    reduced grant), end of the investment phase and scope. Checked again against the ledger as
    it stands now (a payment may have been made since it was submitted)."""
    project = change.project
    fund_lock(project.registration.fund_id)
    project = project_lock(project)
    change = change_lock(change)
    change.project = project
    from_state = CHANGE.check(change, C.APPROVED)
    if project.current_version_id != change.base_id:
        raise DomainError(
            _(
                "The project's plans have changed since this request was made (now version "
                "%(number)s); reject it and ask for a new one."
            )
            % {"number": project.current_version.number},
            code="stale",
        )
    refusal = change_refusal(change)
    if refusal is not None:
        raise refusal
    base = project.current_version
    version = ProjectVersion.objects.create(
        project=project,
        number=base.number + 1,
        source=VersionSource.REVISION
        if change.kind == ChangeKind.REVISION
        else VersionSource.CHANGE,
        starts_on=base.starts_on,
        ends_on=change.ends_on or base.ends_on,
        scope=change.scope or base.scope,
        created_by=actor,
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            version=version,
            year=row.year,
            recipient_id=row.recipient_id,
            cost_type=row.cost_type,
            amount=row.amount,
        )
        for row in change.budget.all()
        if row.amount
    )
    savings = change.savings.all() if change.kind == ChangeKind.REVISION else base.savings.all()
    ExpectedSaving.objects.bulk_create(
        ExpectedSaving(
            version=version,
            organisation_id=row.organisation_id,
            year=row.year,
            amount=row.amount,
            assumptions=row.assumptions,
        )
        for row in savings
    )
    project.current_version = version
    project.ends_on = version.ends_on
    fields = ["current_version", "ends_on"]
    if change.kind == ChangeKind.REVISION:
        project.revision_required = False
        fields.append("revision_required")
    project.save(update_fields=fields)
    reason = (reason or "").strip()
    change.state = C.APPROVED
    change.decided_at = timezone.now()
    change.decided_by = actor
    change.decision_reason = reason
    change.result = version
    change.save(update_fields=["state", "decided_at", "decided_by", "decision_reason", "result"])
    event_record(
        actor=actor,
        action="change.approved",
        target=project,
        from_state=from_state,
        to_state=change.state,
        comment=reason,
        data={"change": change.kind, "version": version.number},
    )
    _decided(actor, change, project, str(ChangeState.APPROVED.label).lower(), reason)
    return change


@transaction.atomic
def change_request_reject(*, actor, change: ChangeRequest, reason: str) -> ChangeRequest:
    change = change_lock(change)
    project = _project_of(change)
    from_state = CHANGE.check(change, C.REJECTED)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for rejecting the change."), field="reason")
    change.state = C.REJECTED
    change.decided_at = timezone.now()
    change.decided_by = actor
    change.decision_reason = reason
    change.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])
    event_record(
        actor=actor,
        action="change.rejected",
        target=project,
        from_state=from_state,
        to_state=change.state,
        comment=reason,
        data={"change": change.kind},
    )
    _decided(actor, change, project, str(ChangeState.REJECTED.label).lower(), reason)
    return change

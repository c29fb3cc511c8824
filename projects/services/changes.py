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
from django.utils.translation import gettext as _

from applications.models import CostType
from core.errors import DomainError
from core.events import event_record, recording_time
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
from projects.rules import change_refusal, change_start_refusal
from projects.services.locks import change_lock, project_lock
from projects.states import CHANGE, PROJECT

C = ChangeState
MAX_TEXT = 20000


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
    change = ChangeRequest.objects.create(
        project=project, kind=kind, created_by=actor, base=base, created_at=recording_time()
    )
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
        if (
            cost_type not in CostType.values
            or not isinstance(amount, int)
            or isinstance(amount, bool)
            or amount < 0
        ):
            raise DomainError(
                _("Each budget line needs a use and an amount of 0 kr or more."), field="budget"
            )
    for _organisation, _year, amount, _text in savings or []:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
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
    PROJECT.check_editable(project)  # not once the project has ended or been cancelled
    refusal = change_refusal(change)
    if refusal is not None:
        raise refusal
    change.state = C.SUBMITTED
    change.submitted_at = recording_time()
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
        change=change.get_kind_display().lower(),
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
        change=change.get_kind_display().lower(),
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
    PROJECT.check_editable(project)
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
        created_at=recording_time(),
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
    change.decided_at = recording_time()
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
    change.decided_at = recording_time()
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

"""When a project may do what: the refusals its services raise and its pages show before
anyone tries. Each rule is one function here; a service checks it, a page asks it.

- ``start_refusal``: a project starts (and is paid) once the board's conditions are met and,
  after a reduced grant, the revised budget is accepted;
- ``disbursement_refusal``, ``release_refusal``: the states in which money moves;
- ``report_recipients``, ``submit_problems``: what a progress report gives and still lacks;
- ``change_start_refusal``, ``change_refusal``: when a change may be asked for, and what a
  proposed budget, end date and benefits plan may be (``plans.budget_refusal``);
- ``evaluation_start_refusal``, ``completion_problems``: when the evaluation is written, and
  what it needs before it is completed.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.models import Organisation
from projects.models import (
    ChangeKind,
    ChangeRequest,
    Evaluation,
    ProgressReport,
    Project,
    ProjectState,
)
from projects.money import budget_of, ledger_figures
from projects.plans import allowed_recipients, budget_refusal
from projects.states import DISBURSING, OPEN_CHANGES, PROJECT, RELEASING

S = ProjectState


def start_refusal(project: Project) -> DomainError | None:
    """Why the project cannot start (and so be paid) yet, or None: the board's conditions not
    met, or the revised budget after a reduced grant not yet accepted."""
    if project.state != S.STARTING:
        return PROJECT.refusal_of(project, S.ACTIVE) or DomainError(
            _("The project has already started."), code="started"
        )
    if project.revision_required:
        return DomainError(
            _(
                "The board granted a reduced amount: the owner's revised budget and benefits "
                "plan must be accepted before the project starts and is paid."
            ),
            code="revision_required",
        )
    unmet = [c.text for c in project.conditions.all() if c.met_on is None]
    if unmet:
        return DomainError(
            _("The board's conditions must be met before the first payment: %(conditions)s")
            % {"conditions": "; ".join(unmet)},
            code="conditions_unmet",
        )
    return None


def disbursement_refusal(project: Project) -> DomainError | None:
    """Why no disbursement can be made to the project in its state, or None."""
    if project.state in DISBURSING:
        return None
    if project.state == S.STARTING:
        return start_refusal(project) or DomainError(
            _("Start the project before the first payment."), code="not_started"
        )
    if project.state == S.PAUSED:
        return DomainError(
            _("The project is paused: nothing is paid until it is resumed."), code="paused"
        )
    return DomainError(
        _("The project is %(state)s: no more disbursements are made.")
        % {"state": project.get_state_display().lower()},
        code="state",
    )


def release_refusal(project: Project) -> DomainError | None:
    if project.state in RELEASING:
        return None
    return DomainError(
        _(
            "A release is recorded when the investment phase has ended or the project is "
            "cancelled; the project is %(state)s."
        )
        % {"state": project.get_state_display().lower()},
        code="state",
    )


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


def evaluation_start_refusal(project: Project) -> DomainError | None:
    if project.state == ProjectState.PHASE_ENDED:
        return None
    return DomainError(
        _(
            "The evaluation is recorded when the investment phase has ended; the project is "
            "%(state)s."
        )
        % {"state": project.get_state_display().lower()},
        code="state",
    )


def completion_problems(evaluation: Evaluation) -> list[str]:
    """What the evaluation lacks before it can be completed (the service refuses with these;
    the page lists them)."""
    problems = []
    if not evaluation.design:
        problems.append(_("Choose the evaluation design."))
    if not evaluation.results.strip():
        problems.append(_("Describe the results."))
    if evaluation.economic_effects is None:
        problems.append(_("Say whether the project gave economic effects."))
    amounts = [row.amount for row in evaluation.savings.all()]
    if evaluation.economic_effects and not any(amounts):
        problems.append(_("Give the measured cost reduction per benefiting organisation and year."))
    if evaluation.economic_effects is False and any(amounts):
        problems.append(
            _(
                "The evaluation says the project gave no economic effects, yet records cost "
                "reductions; remove them or change the answer."
            )
        )
    return problems


def report_recipients(report: ProgressReport) -> list[Organisation]:
    """The organisations whose spend the report gives: the recipients in the current budget
    for the report's year."""
    budget = budget_of(report.project.current_version)
    ids = {recipient for (year, recipient) in budget if year == report.year}
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def submit_problems(report: ProgressReport) -> list[str]:
    """What the report still lacks before it can be submitted (the submit service refuses with
    these; the report's page lists them)."""
    problems = []
    if not report.narrative.strip():
        problems.append(_("Describe what has been done in the period."))
    given = set(report.spend.values_list("recipient_id", flat=True))
    missing = [org.name for org in report_recipients(report) if org.pk not in given]
    if missing:
        problems.append(
            _("Give the spend so far in %(year)s (0 if none) for: %(names)s.")
            % {"year": report.year, "names": ", ".join(missing)}
        )
    return problems

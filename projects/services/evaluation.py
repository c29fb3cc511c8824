"""The evaluation, once the investment phase has ended: recorded by a fund administrator or the
project's evaluator, completed when it says whether the project gave economic effects and, if
it did, in which organisations and years expenditure fell. Completing it makes the project
evaluated and tells the benefiting organisations, who may comment on the rows about them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import EvaluationDesign
from core.errors import DomainError
from core.events import event_record, recording_time
from core.files import store_upload
from core.models import Organisation
from core.money import format_kr
from core.notices import notify
from projects import notices
from projects.models import (
    Evaluation,
    EvaluationAttachment,
    EvaluationState,
    MeasuredSaving,
    Project,
    ProjectState,
)
from projects.rules import completion_problems, evaluation_start_refusal
from projects.services.locks import evaluation_lock, project_lock
from projects.states import EVALUATION, PROJECT

E = EvaluationState
FIELDS = ("design", "design_text", "results", "observed_effects", "counterfactual")


def _rows_refusal(project: Project, rows) -> DomainError | None:
    first = project.starts_on.year if project.starts_on else None
    seen = set()
    organisations = Organisation.objects.in_bulk({row[0] for row in rows})
    for organisation_id, year, amount, _evidence in rows:
        organisation = organisations.get(organisation_id)
        if organisation is None:
            return DomainError(_("Choose the benefiting organisation."), field="savings")
        if not organisation.can_own_cases:
            return DomainError(
                _("Cost reductions arise in the city's organisations, not in %(org)s.")
                % {"org": organisation.name},
                field="savings",
            )
        if first is not None and year < first:
            return DomainError(
                _(
                    "%(year)s is before the project started (%(first)s): savings are measured "
                    "from the project's start."
                )
                % {"year": year, "first": first},
                field="savings",
            )
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            return DomainError(
                _("A measured reduction is whole kronor, 0 or more."), field="savings"
            )
        if (organisation_id, year) in seen:
            return DomainError(
                _("%(org)s is named twice for %(year)s.")
                % {"org": organisation.name, "year": year},
                field="savings",
            )
        seen.add((organisation_id, year))
    return None


@transaction.atomic
def evaluation_update(
    *, actor, project: Project, savings: list[tuple[int, int, int, str]] | None = None, **fields
) -> Evaluation:
    """Save the evaluation as written so far (started on first save): the texts, whether the
    project gave economic effects, and the measured reductions (organisation id, year, amount,
    evidence)."""
    project = project_lock(project)
    evaluation = Evaluation.objects.filter(project=project).first()
    if evaluation is None:
        refusal = evaluation_start_refusal(project)
        if refusal is not None:
            raise refusal
        evaluation = Evaluation.objects.create(
            project=project, created_by=actor, created_at=recording_time()
        )
    evaluation = evaluation_lock(evaluation)
    EVALUATION.check_editable(evaluation)
    unknown = set(fields) - {*FIELDS, "economic_effects"}
    if unknown:
        raise TypeError(f"Unknown evaluation fields: {sorted(unknown)}")
    if fields.get("design") and fields["design"] not in EvaluationDesign.values:
        raise DomainError(_("Choose the evaluation design."), field="design")
    if savings is not None:
        refusal = _rows_refusal(project, savings)
        if refusal is not None:
            raise refusal
    for name in FIELDS:
        if name in fields:
            setattr(evaluation, name, (fields[name] or "").strip())
    if "economic_effects" in fields:
        evaluation.economic_effects = fields["economic_effects"]
    evaluation.save()
    if savings is not None:
        evaluation.savings.all().delete()
        MeasuredSaving.objects.bulk_create(
            MeasuredSaving(
                evaluation=evaluation,
                organisation_id=organisation,
                year=year,
                amount=amount,
                evidence=(evidence or "").strip(),
            )
            for organisation, year, amount, evidence in savings
        )
    event_record(actor=actor, action="evaluation.updated", target=project)
    return evaluation


@transaction.atomic
def evaluation_complete(*, actor, evaluation: Evaluation) -> Evaluation:
    project = project_lock(evaluation.project)
    evaluation = evaluation_lock(evaluation)
    from_state = EVALUATION.check(evaluation, E.COMPLETED)
    PROJECT.check(project, ProjectState.EVALUATED)
    problems = completion_problems(evaluation)
    if problems:
        raise DomainError(" ".join(problems), code="incomplete")
    evaluation.state = E.COMPLETED
    evaluation.completed_at = recording_time()
    evaluation.completed_by = actor
    evaluation.save(update_fields=["state", "completed_at", "completed_by"])
    project.state = ProjectState.EVALUATED
    project.save(update_fields=["state"])
    effects = _("economic effects") if evaluation.economic_effects else _("no economic effects")
    event_record(
        actor=actor,
        action="evaluation.completed",
        target=project,
        from_state=from_state,
        to_state=evaluation.state,
        data={"effects": str(effects)},
    )
    event_record(
        actor=actor,
        action="project.evaluated",
        target=project,
        from_state=ProjectState.PHASE_ENDED,
        to_state=project.state,
    )
    totals: dict[int, int] = {}
    for row in evaluation.savings.all():
        totals[row.organisation_id] = totals.get(row.organisation_id, 0) + row.amount
    for organisation in Organisation.objects.filter(pk__in=totals).order_by("name"):
        notify(
            "evaluation_completed",
            case=project,
            url=notices.evaluation_url(project),
            people=notices.organisation_people(organisation.pk),
            title=project.title,
            organisation=f"{organisation.name} ({format_kr(totals[organisation.pk])})",
        )
    return evaluation


@transaction.atomic
def evaluation_attachment_add(*, actor, evaluation: Evaluation, title: str, uploaded):
    evaluation = evaluation_lock(evaluation)
    EVALUATION.check_editable(evaluation)
    attachment = store_upload(
        EvaluationAttachment(evaluation=evaluation), uploaded, title=title, by=actor
    )
    event_record(
        actor=actor,
        action="evaluation.attachment_added",
        target=evaluation.project,
        data={"title": attachment.title},
    )
    return attachment

"""The row locks the services take before they check a rule and change a project. Locking
order: a service that writes fund money (or checks against the ledger) takes the fund's lock
first (``core.services.ledger.fund_lock``), then the project's, then the report's or change
request's."""

from __future__ import annotations

from projects.models import ChangeRequest, Evaluation, ProgressReport, Project


def project_lock(project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("registration__fund", "owner", "board_decision", "current_version")
        .get(pk=project.pk)
    )


def report_lock(report) -> ProgressReport:
    return ProgressReport.objects.select_for_update(of=("self",)).get(pk=report.pk)


def change_lock(change) -> ChangeRequest:
    return (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("base")
        .get(pk=change.pk)
    )


def evaluation_lock(evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)

"""The reclaim decision: one decided version of a project's reclaim plan as a document (BRIEF.md
"What the city director reads"): what was decided, the lines per organisation and year, the
rules and the cap it was decided under (above the cap only with its reason), what changed
from the version before, and the approval as the system recorded it (who, when, "on
delegation", the case's registration number). There is no e-signature: the record in the
system is the decision's trace."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from reclaim.models import PlanVersion
from reclaim.selectors import grid, line_changes, rules_of
from reports.models import ReportJob
from reports.render import running


def _lines(version: PlanVersion | None) -> dict:
    return {(line.organisation_id, line.year): line for line in version.lines.all()}


def reclaim_decision_context(job: ReportJob, generated_at: dt.datetime) -> dict:
    versions = list(
        PlanVersion.objects.filter(plan__project__registration_id=job.case_id)
        .select_related(
            "plan__project__registration__fund",
            "plan__project__owner",
            "policy",
            "decided_by",
            "created_by",
        )
        .prefetch_related("lines__organisation")
        .order_by("number")
    )
    version = next(v for v in versions if v.pk == job.parameters["version"])
    before = next((v for v in reversed(versions) if v.number < version.number), None)
    project = version.plan.project
    rules = rules_of(version)
    table = grid(version, rules)
    fund = project.registration.fund
    return {
        "project": project,
        "fund": fund,
        "version": version,
        "first": before is None,
        "grid": table,
        "rules": rules,
        "policy": version.policy,
        "start_text": version.policy.start_text if version.policy else "",
        "above_cap": version.cap is not None and table.total > version.cap,
        "changes": line_changes(_lines(before), _lines(version)) if before else [],
        "value_date": job.value_date,
        "generated_at": generated_at,
        "decided_at": timezone.localtime(version.decided_at) if version.decided_at else None,
        "title": _("Reclaim decision: %(title)s, version %(number)s")
        % {"title": project.title, "number": version.number},
        "running": running(
            fund_name=fund.name,
            registration=str(project.registration),
            value_date=job.value_date,
            generated_at=generated_at,
        ),
    }

"""Two states of a project's plans compared field by field and line by line, as application
versions are (``applications.versions.compare_content``): two versions, or a change request
against the version it was made from. Budget lines are keyed by year, recipient and use, and
expected reductions by organisation and year, so a changed amount shows as changed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from applications.versions import Diff, Table, compare_content, stored
from projects.models import (
    BudgetLine,
    ChangeKind,
    ChangeRequest,
    ExpectedSaving,
    ProjectVersion,
)

GROUPS = (("phase", _("Investment phase and scope"), ("starts_on", "ends_on", "scope")),)
TABLES = (
    Table("budget", _("Budget (plan)"), BudgetLine, ("year", "recipient", "cost_type", "amount")),
    Table(
        "savings",
        _("Expected cost reductions (plan)"),
        ExpectedSaving,
        ("organisation", "year", "amount", "assumptions"),
    ),
)


def _content(fields: dict, budget, savings) -> dict:
    return {
        "fields": fields,
        "budget": [
            {
                "key": f"{line.year}-{line.recipient_id}-{line.cost_type}",
                "values": {name: stored(line, name) for name in TABLES[0].columns},
            }
            for line in budget
        ],
        "savings": [
            {
                "key": f"{row.organisation_id}-{row.year}",
                "values": {name: stored(row, name) for name in TABLES[1].columns},
            }
            for row in savings
        ],
    }


def version_content(version: ProjectVersion) -> dict:
    return _content(
        {name: stored(version, name) for name in GROUPS[0][2]},
        version.budget.select_related("recipient"),
        version.savings.select_related("organisation"),
    )


def change_content(change: ChangeRequest) -> dict:
    """What the project's plans become if the change is approved."""
    base = change.base
    fields = {
        "starts_on": stored(base, "starts_on"),
        "ends_on": change.ends_on.isoformat() if change.ends_on else stored(base, "ends_on"),
        "scope": change.scope or base.scope,
    }
    savings = (
        change.savings.select_related("organisation")
        if change.kind == ChangeKind.REVISION
        else base.savings.select_related("organisation")
    )
    return _content(fields, change.budget.select_related("recipient"), savings)


def compare_versions(old: ProjectVersion, new: ProjectVersion) -> Diff:
    return compare_content(
        version_content(old),
        version_content(new),
        model=ProjectVersion,
        groups=GROUPS,
        tables=TABLES,
    )


def compare_change(change: ChangeRequest) -> Diff:
    return compare_content(
        version_content(change.base),
        change_content(change),
        model=ProjectVersion,
        groups=GROUPS,
        tables=TABLES,
    )

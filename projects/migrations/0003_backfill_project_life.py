"""Projects created before the project's life was modelled get what a grant now gives them:
the application's organisations and indicators, the board's conditions, and a first version
with the budget spread over the application's fund-financed rows and its benefits plan. The
logic is frozen here (a data migration never imports app code)."""

from collections import defaultdict
from fractions import Fraction

from django.db import migrations


def _split(total, shares):
    whole = sum(shares)
    exact = [Fraction(total) * share / whole for share in shares]
    parts = [int(share // 1) for share in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def backfill(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Version = apps.get_model("projects", "ProjectVersion")
    Line = apps.get_model("projects", "BudgetLine")
    Expected = apps.get_model("projects", "ExpectedSaving")
    Participant = apps.get_model("projects", "ProjectParticipant")
    Indicator = apps.get_model("projects", "ProjectIndicator")
    Condition = apps.get_model("projects", "Condition")
    BudgetRow = apps.get_model("applications", "BudgetRow")
    SavingsRow = apps.get_model("applications", "SavingsRow")
    AppParticipant = apps.get_model("applications", "ApplicationParticipant")
    AppIndicator = apps.get_model("applications", "Indicator")
    DecisionYear = apps.get_model("applications", "BoardDecisionYear")
    for project in Project.objects.filter(current_version__isnull=True):
        decision = project.board_decision
        application = project.application
        project.summary = application.summary
        project.revision_required = decision.outcome == "granted_reduced"
        for row in AppParticipant.objects.filter(application=application):
            Participant.objects.get_or_create(
                project=project, organisation_id=row.organisation_id, defaults={"role": row.role}
            )
        for row in AppIndicator.objects.filter(application=application).order_by("pk"):
            Indicator.objects.create(
                project=project,
                name=row.name,
                unit=row.unit,
                baseline=row.baseline,
                target=row.target,
                data_source=row.data_source,
            )
        for line in (decision.conditions or "").splitlines():
            text = line.strip().lstrip("-*•– ").strip()
            if text:
                Condition.objects.create(project=project, text=text)
        version = Version.objects.create(
            project=project,
            number=1,
            source="grant",
            starts_on=project.starts_on,
            ends_on=project.ends_on,
        )
        by_year = defaultdict(lambda: defaultdict(int))
        overall = defaultdict(int)
        for row in BudgetRow.objects.filter(application=application, funding_source="fund"):
            by_year[row.year][(row.recipient_id, row.cost_type)] += row.amount
            overall[(row.recipient_id, row.cost_type)] += row.amount
        years = {row.year: row.amount for row in DecisionYear.objects.filter(decision=decision)}
        if not years and project.starts_on:
            years = {project.starts_on.year: decision.amount}
        lines = defaultdict(int)
        for year, amount in sorted(years.items()):
            shares = {k: v for k, v in by_year.get(year, {}).items() if v > 0} or {
                k: v for k, v in overall.items() if v > 0
            }
            if not shares:
                shares = {(project.owner_id, "other"): 1}
            keys = sorted(shares)
            for key, part in zip(keys, _split(amount, [shares[k] for k in keys]), strict=True):
                if part:
                    lines[(year, key[0], key[1])] += part
        for (year, recipient, use), amount in sorted(lines.items()):
            Line.objects.create(
                version=version, year=year, recipient_id=recipient, cost_type=use, amount=amount
            )
        savings = defaultdict(int)
        for row in SavingsRow.objects.filter(application=application):
            savings[(row.organisation_id, row.year)] += row.amount
        for (organisation, year), amount in savings.items():
            Expected.objects.create(
                version=version, organisation_id=organisation, year=year, amount=amount
            )
        project.current_version = version
        project.save(update_fields=["summary", "revision_required", "current_version"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_project_life")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

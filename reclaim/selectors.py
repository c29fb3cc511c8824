"""Reads of this app: the reclaim policy in force for a fund, and (for the start pages) what
the app asks of a person today (nothing yet)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from applications.selectors.cases import open_cases_of
from core import access as core_access
from core.attention import DELEGATE, Attention, counted, first_rows
from core.models import Comment, Fund, Organisation, Reorganisation, Role
from core.money import split
from core.selectors import thread
from projects.conflicts import benefiting_ids
from projects.models import EvaluationState, MeasuredSaving, Project, ProjectState
from projects.money import ledger_figures
from projects.selectors.pages import open_projects_of
from reclaim import access, plans
from reclaim.models import (
    FollowUp,
    Installment,
    PlanLine,
    PlanState,
    PlanVersion,
    ReclaimPlan,
    ReclaimPolicy,
    VersionState,
)


def overdue_lines(today, organisations=None):
    """Lines of plans in force, not booked or waived, overdue on ``today``."""
    lines = PlanLine.objects.filter(
        version__state=VersionState.APPROVED,
        version__plan__state=PlanState.IN_FORCE,
        year__lte=plans.latest_overdue_year(today),
    ).exclude(
        Exists(
            Installment.objects.filter(
                plan=OuterRef("version__plan"),
                organisation=OuterRef("organisation"),
                year=OuterRef("year"),
            )
        )
    )
    if organisations is not None:
        lines = lines.filter(organisation_id__in=organisations)
    return lines


def _plan_url(line) -> str:
    return reverse("reclaim:plan", args=[line.version.plan.project_id])


def _overdue_items(role: str, today, organisations=None) -> list[Attention]:
    rows, count = first_rows(
        overdue_lines(today, organisations)
        .select_related("version__plan", "organisation")
        .order_by("year", "pk")
    )
    return counted(
        role,
        count,
        ngettext_lazy("%(count)s reclaim line overdue", "%(count)s reclaim lines overdue", "count"),
        url=_plan_url(rows[0]) if rows else "",
        detail=_("Booked by 31 January of the year after the line's year.") if count else "",
    )


def attention_for(user) -> list[Attention]:
    """Fund administrators: evaluated projects without a plan, overdue lines. The city director
    (or the delegate): versions to decide. An organisation's applicants: its overdue lines."""
    if not core_access.is_person(user):
        return []
    today = timezone.localdate()
    roles = core_access.active_roles(user)
    items: list[Attention] = []
    if Role.FUND_ADMIN in roles:
        waiting = Project.objects.filter(
            state=ProjectState.EVALUATED,
            evaluation__state=EvaluationState.COMPLETED,
            evaluation__economic_effects=True,
        ).exclude(Exists(ReclaimPlan.objects.filter(project=OuterRef("pk"))))
        items += counted(
            Role.FUND_ADMIN,
            waiting.count(),
            ngettext_lazy(
                "%(count)s evaluated project waits for a reclaim plan",
                "%(count)s evaluated projects wait for a reclaim plan",
                "count",
            ),
            url=reverse("projects:list") + "?state=" + ProjectState.EVALUATED,
        )
        items += _overdue_items(Role.FUND_ADMIN, today)
    deciding = None
    if Role.CITY_DIRECTOR in roles:
        deciding = Role.CITY_DIRECTOR
    elif core_access.active_delegation_for(user) is not None:
        deciding = DELEGATE
    if deciding is not None:
        sent = PlanVersion.objects.filter(state=VersionState.SUBMITTED).order_by("submitted_at")
        first = sent.first()
        items += counted(
            deciding,
            sent.count(),
            ngettext_lazy(
                "%(count)s reclaim plan to decide", "%(count)s reclaim plans to decide", "count"
            ),
            url=reverse("reclaim:plan", args=[first.plan.project_id]) if first else "",
        )
        items += counted(
            deciding,
            reorganisations_to_handle().count(),
            ngettext_lazy(
                "%(count)s replaced organisation has open reclaim lines or cases to hand over",
                "%(count)s replaced organisations have open reclaim lines or cases to hand over",
                "count",
            ),
            url=reverse("reclaim:reorganisations"),
        )
    if Role.APPLICANT in roles:
        own = [org.pk for org in core_access.applicant_organisations(user)]
        if own:
            items += _overdue_items(Role.APPLICANT, today, own)
    return items


def policy_in_force(fund: Fund) -> ReclaimPolicy | None:
    """The fund's latest policy version, or None while its rules are the starting ones."""
    return ReclaimPolicy.objects.filter(fund=fund).order_by("-version").first()


def rules_for(fund: Fund) -> plans.Policy:
    """The rules in force: the latest version, or the defaults with the fund's window."""
    policy = policy_in_force(fund)
    if policy is not None:
        return policy.rules
    return plans.Policy(window_years=fund.reclaim_window_years)


def policy_versions(fund: Fund) -> list[ReclaimPolicy]:
    """Every version, the latest first, with who recorded it."""
    return list(
        ReclaimPolicy.objects.filter(fund=fund).select_related("created_by").order_by("-version")
    )


# --- A project's reclaim plan -----------------------------------------------------------------


@dataclass
class Grid:
    """A version's lines as a table: one row per organisation, one column per reclaim year
    (the window), with totals; ``settled`` marks what is booked or waived."""

    years: list[int]
    rows: list[tuple[Organisation, list[int], int]]  # organisation, amounts per year, total
    totals: list[int]
    total: int


def grid(version: PlanVersion, rules: plans.Policy, only: set[int] | None = None) -> Grid:
    years = list(plans.window(version.start_year, rules))
    amounts: dict[int, dict[int, int]] = {}
    organisations: dict[int, Organisation] = {}
    for line in version.lines.all():
        if only is not None and line.organisation_id not in only:
            continue
        organisations[line.organisation_id] = line.organisation
        amounts.setdefault(line.organisation_id, {})[line.year] = line.amount
    rows = []
    for pk, organisation in sorted(organisations.items(), key=lambda item: item[1].name):
        values = [amounts[pk].get(year, 0) for year in years]
        rows.append((organisation, values, sum(values)))
    totals = [sum(row[1][index] for row in rows) for index in range(len(years))]
    return Grid(years=years, rows=rows, totals=totals, total=sum(totals))


def plan_of(project) -> ReclaimPlan | None:
    return (
        ReclaimPlan.objects.filter(project=project)
        .select_related("exempt_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.select_related("decided_by", "created_by", "policy")
                .prefetch_related(
                    Prefetch("lines", queryset=PlanLine.objects.select_related("organisation"))
                )
                .order_by("number"),
            ),
            Prefetch(
                "installments",
                queryset=Installment.objects.select_related("organisation", "recorded_by"),
            ),
            "follow_ups",
        )
        .first()
    )


def line_organisations(project) -> list[Organisation]:
    """The organisations a reclaim line may name: the project's own city organisations and
    those its benefits plan or evaluation names (a non-profit has no city budget to reduce)."""
    parties = (
        benefiting_ids(project)
        | {project.owner_id}
        | set(project.participants.values_list("organisation_id", flat=True))
        # Successors that took over lines after a reorganisation, and the organisations
        # they replaced (whose settled lines stay).
        | set(
            PlanLine.objects.filter(version__plan__project=project).values_list(
                "organisation_id", flat=True
            )
        )
    )
    return [
        organisation
        for organisation in Organisation.objects.filter(pk__in=parties).order_by("name")
        if organisation.can_own_cases
    ]


def follow_up_of(plan: ReclaimPlan, year: int) -> tuple[list[Organisation], list[FollowUp]]:
    """The organisations with lines in the version in force (404 without one), and what is
    recorded for the year."""
    version = plan.versions.filter(state=VersionState.APPROVED).first()
    if version is None:
        raise Http404
    organisations = list(
        Organisation.objects.filter(pk__in=version.lines.values("organisation_id")).order_by("name")
    )
    return organisations, list(FollowUp.objects.filter(plan=plan, year=year))


def plan_line_organisations(project) -> list[Organisation]:
    """The organisations that have lines in any version of the project's plan, by name."""
    return list(
        Organisation.objects.filter(
            pk__in=PlanLine.objects.filter(version__plan__project=project).values("organisation_id")
        ).order_by("name")
    )


def _threads(user, project, plan, only) -> tuple[list, dict | None]:
    """The comments on each organisation's lines (an organisation's people see their own),
    and the form for those the reader may comment on."""
    if plan is None:
        return [], None
    about, _speaks_for = access.comment_about(user, project)
    url = reverse("reclaim:plan_comment", args=[project.pk])

    def withdraw(comment):
        return reverse("reclaim:plan_comment_withdraw", args=[project.pk, comment.pk])

    by_about = defaultdict(list)
    for comment in Comment.objects.on(plan):
        by_about[comment.about_id].append(comment)
    threads = [
        (
            organisation,
            thread(
                plan,
                about=organisation,
                url=url,
                withdraw=withdraw,
                can_comment=False,
                anchor=f"comments-{organisation.pk}",
                comments=by_about[organisation.pk],
            ),
        )
        for organisation in plan_line_organisations(project)
        if only is None or organisation.pk in only
    ]
    form = None
    if about:
        form = thread(
            plan,
            url=url,
            withdraw=withdraw,
            can_comment=True,
            about_choices=about,
            comments=[],
        )
        form["form_only"] = True
    return threads, form


def last_reclaim_year(version: PlanVersion) -> int:
    """The last reclaim year of a version, under the rules it is read with."""
    return plans.window(version.start_year, rules_of(version))[-1]


def rules_of(version: PlanVersion) -> plans.Policy:
    """The rules a version is read under: those it was decided with, or those in force."""
    if version.policy_id is not None:
        return version.policy.rules
    return rules_for(version.plan.project.registration.fund)


def plan_cap(project, rules: plans.Policy) -> int | None:
    """What a plan may return in all (BRIEF.md "Money rules"): what the project was paid net
    of refunds, from the ledger; None when the fund's rules have no cap."""
    return ledger_figures(project).net_paid if rules.cap_at_net_paid else None


def measured_savings(project) -> dict[plans.Key, int]:
    """The evaluation's measured reduction per (organisation id, year)."""
    return {
        (row.organisation_id, row.year): row.amount
        for row in MeasuredSaving.objects.filter(evaluation__project=project)
    }


def _outside(project, start_year: int, rules: plans.Policy, only):
    drafted = plans.draft(measured_savings(project), start_year, rules)
    names = {o.pk: o for o in Organisation.objects.filter(pk__in={k[0] for k in drafted.outside})}
    return [
        (names[organisation], year, amount)
        for (organisation, year), amount in sorted(drafted.outside.items())
        if only is None or organisation in only
    ]


def line_changes(before: dict, after: dict) -> list[tuple[Organisation, int, int, int]]:
    """What a version changed from the one before: (organisation, year, from, to) per line."""
    found = []
    for key in sorted(set(before) | set(after)):
        was = before[key].amount if key in before else 0
        now = after[key].amount if key in after else 0
        if was != now:
            line = after.get(key) or before[key]
            found.append((line.organisation, key[1], was, now))
    return sorted(found, key=lambda change: (change[0].name, change[1]))


def plan_page(user, project) -> dict:
    """The plan page: every version with its lines as a grid (a benefiting organisation sees
    its own rows only), the cap and excess, the savings outside the window, the lines of the
    plan in force with what became of them, and what the reader may do."""
    view = access.plan_view(user, project)
    only = access.own_organisations(user) if view == access.OWN else None
    plan = plan_of(project)
    fund = project.registration.fund
    today = timezone.localdate()
    versions, in_force, open_version = [], None, None
    cap_now = plan_cap(project, rules_for(fund))
    installments_by_key = {}
    if plan is not None:
        installments_by_key = {(i.organisation_id, i.year): i for i in plan.installments.all()}
        previous = None
        for version in plan.versions.all():
            rules = rules_of(version)
            table = grid(version, rules, only)
            mine = {
                (line.organisation_id, line.year): line
                for line in version.lines.all()
                if only is None or line.organisation_id in only
            }
            decided = version.state in (VersionState.APPROVED, VersionState.SUPERSEDED)
            cap = version.cap if decided else cap_now
            versions.append(
                {
                    "version": version,
                    "grid": table,
                    "cap": cap,
                    "excess": plans.excess(
                        {
                            (line.organisation_id, line.year): line.amount
                            for line in version.lines.all()
                        },
                        cap,
                    ),
                    "changes": line_changes(previous, mine) if previous is not None else [],
                }
            )
            previous = mine
            if version.state == VersionState.APPROVED:
                in_force = versions[-1]
            elif version.state in (VersionState.DRAFT, VersionState.SUBMITTED):
                open_version = versions[-1]
    follow_up = []
    verified = (
        {(row.organisation_id, row.year): row for row in plan.follow_ups.all()}
        if plan is not None
        else {}
    )
    if in_force is not None:
        for line in in_force["version"].lines.all():
            if only is not None and line.organisation_id not in only:
                continue
            done = installments_by_key.get((line.organisation_id, line.year))
            follow_up.append(
                {
                    "line": line,
                    "installment": done,
                    "overdue": done is None and plans.is_overdue(line.year, today),
                    "verified": verified.get((line.organisation_id, line.year)),
                }
            )
    shown = open_version or in_force
    start = shown["version"].start_year if shown else plans.first_year(today, rules_for(fund))
    evaluation = getattr(project, "evaluation", None)
    admin = access.can_draft(user)
    deciding = access.can_decide(user)
    open_state = open_version["version"].state if open_version else None
    threads, comment_form = _threads(user, project, plan, only)
    return {
        "project": project,
        "plan": plan,
        "view": view,
        "threads": threads,
        "comment_form": comment_form,
        "versions": versions,
        "in_force": in_force,
        "open_version": open_version,
        "follow_up": follow_up,
        "outside": _outside(
            project, start, rules_of(shown["version"]) if shown else rules_for(fund), only
        )
        if evaluation is not None
        else [],
        "cap_now": cap_now,
        "can_draft": admin
        and plan is None
        and project.state == ProjectState.EVALUATED
        and evaluation is not None
        and evaluation.economic_effects is not False,
        "can_edit": admin and open_state == VersionState.DRAFT,
        "can_decide": deciding and open_state == VersionState.SUBMITTED,
        "can_book": admin and in_force is not None,
        "can_waive": deciding and in_force is not None,
        "can_exempt": deciding
        and (plan is None or plan.state == PlanState.DRAFTING)
        and evaluation is not None
        and evaluation.state == EvaluationState.COMPLETED,
        "adjustments": list(plan.adjustments.select_related("organisation"))
        if plan is not None
        else [],
        "follow_up_years": [
            year
            for year in plans.window(in_force["version"].start_year, rules_of(in_force["version"]))
            if year <= today.year
        ]
        if admin and in_force is not None
        else [],
        "can_record_budget": admin
        and in_force is not None
        and today.year > last_reclaim_year(in_force["version"]),
        "can_close": admin and in_force is not None,
        "can_adjust": admin
        and plan is not None
        and plan.state == PlanState.IN_FORCE
        and open_version is None,
    }


# --- Reorganisations ----------------------------------------------------------------------------


def _unsettled():
    return ~Exists(
        Installment.objects.filter(
            plan=OuterRef("version__plan"),
            organisation=OuterRef("organisation"),
            year=OuterRef("year"),
        )
    )


def open_lines_of(organisation):
    """The organisation's reclaim lines that still ask something of it: lines of a plan in
    force not booked or waived, and lines of a version being drafted or decided.
    ``organisation``: its id (or an ``OuterRef`` to it)."""
    in_force = Q(version__state=VersionState.APPROVED, version__plan__state=PlanState.IN_FORCE)
    drafted = Q(version__state__in=[VersionState.DRAFT, VersionState.SUBMITTED])
    return (
        PlanLine.objects.filter(in_force | drafted, organisation_id=organisation)
        .filter(_unsettled(), amount__gt=0)
        .exclude(version__plan__state__in=[PlanState.EXEMPT, PlanState.CLOSED])
    )


def plans_with_open_lines(organisation_id: int) -> list[ReclaimPlan]:
    return list(
        ReclaimPlan.objects.filter(
            pk__in=open_lines_of(organisation_id).values("version__plan")
        ).order_by("pk")
    )


def _has_open_cases(organisation):
    sketches, applications = open_cases_of(organisation)
    return Q(Exists(sketches)) | Q(Exists(applications)) | Q(Exists(open_projects_of(organisation)))


def has_open_cases(organisation_id: int) -> bool:
    return Organisation.objects.filter(
        _has_open_cases(organisation_id), pk=organisation_id
    ).exists()


def reorganisations_to_handle():
    """Reorganisations whose replaced organisation still has open reclaim lines, cases or
    projects (the city director hands them over), in one query."""
    organisation = OuterRef("organisation_id")
    return (
        Reorganisation.objects.filter(
            Q(Exists(open_lines_of(organisation))) | _has_open_cases(organisation)
        )
        .select_related("organisation")
        .order_by("-effective_from", "-pk")
    )


def reorganisation_page(reorganisation: Reorganisation) -> dict:
    """What the replaced organisation still has open, with how its lines would be split over
    the successors (the same split helper as the move)."""
    organisation = reorganisation.organisation
    shares = list(reorganisation.shares.select_related("successor"))
    rows = []
    for line in (
        open_lines_of(organisation.pk)
        .select_related("version__plan__project")
        .order_by("version__plan__project__title", "year", "version__number")
    ):
        parts = split(line.amount, [share.percent for share in shares])
        rows.append(
            {
                "line": line,
                "project": line.version.plan.project,
                "drafted": line.version.state != VersionState.APPROVED,
                "parts": list(zip([s.successor for s in shares], parts, strict=True)),
            }
        )
    sketches, applications = open_cases_of(organisation.pk)
    largest = shares[0].successor if shares else None
    return {
        "reorganisation": reorganisation,
        "organisation": organisation,
        "shares": shares,
        "rows": rows,
        "total": sum(row["line"].amount for row in rows if not row["drafted"]),
        "sketches": list(sketches.select_related("registration")),
        "applications": list(applications.select_related("registration")),
        "projects": list(open_projects_of(organisation.pk).select_related("registration")),
        "largest": largest,
    }

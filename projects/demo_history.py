"""One demo project's history, 2016-2023, made by the projects services step by step.

``history_steps`` lists what happens to a project, each step at its demo moment; ``run`` takes
them in time order inside ``core.events.recorded_at`` (events, ledger entries, reports and
decisions carry the demo dates) with e-mails muted (history's e-mails were never sent). The
story of each project is in ``projects.demo``; this module knows how a project's life goes:

- the owner's staff name the project manager, deputy and steering group three weeks after the
  board's grant; a fund administrator names the evaluator, checks off the board's conditions
  and starts the project six weeks after the grant;
- each budget year is paid in two instalments per recipient (February and August), from the
  budget as it stands (change requests move it); unspent money of a year is refunded the
  following February; what was never paid or came back is released after the investment
  phase has ended;
- the report of each period (30 April, 31 August, 31 December) is created the day after the
  period ends, written and submitted by the project manager a few days before it is due (or
  late), and reviewed by the fund administrator or the city director (or returned once);
- the investment phase ends twelve days after its last day; the evaluation is begun that
  spring and completed in 2023, after the central effect evaluation, with measured savings per
  benefiting organisation and year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from core.events import recorded_at, recording_day
from core.models import Organisation, User
from core.notices import muted
from core.services import comment_add
from projects import services
from projects.models import (
    AssignmentRole,
    ChangeKind,
    Evaluation,
    ProgressReport,
    Project,
)
from projects.money import budget_of, ledger_figures
from projects.plans import period_ends
from projects.rules import report_recipients

DEMO = " (Demodata.)"
# How far into a year's budget the spend has come at each period's end.
SPENT_BY = {4: Decimal("0.28"), 8: Decimal("0.61"), 12: Decimal("1")}
# Measured savings over the years after the projects (a share of each row's full year).
SAVINGS_PROFILE = {
    2023: Decimal("0.6"),
    2024: Decimal("0.85"),
    2025: Decimal("1"),
    2026: Decimal("1"),
    2027: Decimal("0.95"),
    2028: Decimal("0.85"),
    2029: Decimal("0.7"),
    2030: Decimal("0.5"),
}
PANDEMIC = (dt.date(2020, 4, 30), dt.date(2021, 4, 30))
RISKS = (
    "Personalomsättning i projektgruppen kan försena arbetet.",
    "Målgruppen är svår att nå under sommaren.",
    "Finansieringen av ordinarie drift efter projektet är ännu inte beslutad.",
)
DESIGN_TEXTS = {
    "comparison_group": (
        "Effekterna mäts mot en matchad jämförelsegrupp i stadsdelar utan insatsen, med "
        "registerdata om insatser och kostnader före och efter deltagandet."
    ),
    "before_after": (
        "Deltagarnas situation jämförs före och efter insatsen, med stadens register och "
        "projektets egen uppföljning."
    ),
    "other": "Bidragsanalys med intervjuer och registerdata från de berörda förvaltningarna.",
}
COUNTERFACTUAL = {
    "comparison_group": (
        "Utan projektet antas deltagarna ha utvecklats som den matchade jämförelsegruppen; "
        "skillnaden i kostnader räknas som projektets effekt."
    ),
    "before_after": (
        "Utan projektet antas kostnaderna ha legat kvar på nivån året före deltagandet, "
        "justerat för den allmänna utvecklingen i staden."
    ),
    "other": "Utan projektet antas insatserna ha fortsatt som före projektet.",
}


def move(amount: int, source: int, target: int) -> Callable[..., list]:
    """A change of budget lines (year, recipient, use, amount): ``amount`` of the owner's
    money moves from year ``source`` to year ``target``."""

    def change(lines: list, owner: int, orgs) -> list:
        moved, found = [], False
        for year, recipient, use, value in lines:
            if recipient == owner and year == source:
                value -= amount
            if recipient == owner and year == target and not found:
                value += amount
                found = True
            moved.append((year, recipient, use, value))
        if not found:
            moved.append((target, owner, "introduce", amount))
        return moved

    return change


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _thousands(amount: Decimal | int) -> int:
    return int((Decimal(amount) / 1000).quantize(Decimal(1))) * 1000


@dataclass
class Cast:
    """Who acts in the history: the project's people and the fund's."""

    owner_staff: User
    manager: User
    deputy: User
    admin: User
    director: User
    evaluator: User | None
    people: dict[str, User]  # every demo person by address key
    orgs: dict[str, Organisation]  # by short name


# (moment, project, order within the project's story, action)
Step = tuple[dt.datetime, int, int, Callable[[], None]]


class History:
    """The steps of one project's story (``projects.demo.Story``)."""

    def __init__(self, project: Project, story, cast: Cast):
        self.pk = project.pk
        self.story = story
        self.cast = cast
        self.owner_id = project.owner_id
        self.granted = project.board_decision.meeting_date
        self.starts_on = project.starts_on
        self.ends_on = story.ends_on or project.ends_on
        self.steps: list[Step] = []

    # --- helpers ---------------------------------------------------------------------------

    def project(self) -> Project:
        return Project.objects.select_related("registration", "board_decision", "owner").get(
            pk=self.pk
        )

    def add(self, moment: dt.datetime, action: Callable[[], None]) -> None:
        self.steps.append((moment, self.pk, len(self.steps), action))

    def _recipient(self, short: str) -> Organisation:
        if not short:
            return Organisation.objects.get(pk=self.owner_id)
        return self.cast.orgs[short]

    # --- the story -------------------------------------------------------------------------

    def build(self) -> list[Step]:
        story = self.story
        named = self.granted + dt.timedelta(days=19)
        started = self.granted + dt.timedelta(days=40)
        self.add(at(named, 9), self.assign_people)
        self.add(at(started, 10), self.start)
        years = range(self.starts_on.year, self.ends_on.year + 1)
        for year in years:
            first = max(dt.date(year, 2, 15), started + dt.timedelta(days=7))
            second = dt.date(year, 8, 15)
            if second > self.ends_on:
                second = self.ends_on - dt.timedelta(days=45)
            self.add(at(first, 11), lambda y=year: self.pay(y, 1))
            self.add(at(second, 11), lambda y=year: self.pay(y, 2))
        for year, short, amount in story.refunds:
            self.add(
                at(dt.date(year + 1, 2, 20), 11),
                lambda y=year, s=short, a=amount: self.refund(y, s, a),
            )
        ends = period_ends(self.starts_on, self.ends_on)
        for index, end in enumerate(ends):
            self.report(index, end, last=index == len(ends) - 1, count=len(ends))
        for change in story.changes:
            self.change(change)
        if story.pause is not None:
            paused, resumed, reason = story.pause
            self.add(at(paused, 9), lambda: self.pause(reason))
            self.add(at(resumed, 9), self.resume)
        phase_ended = self.ends_on + dt.timedelta(days=12)
        self.add(at(phase_ended, 10), self.end_phase)
        self.add(at(self.ends_on + dt.timedelta(days=76), 11), self.release)
        self.add(at(phase_ended + dt.timedelta(days=60), 13), self.begin_evaluation)
        self.add(at(story.evaluated, 14), self.complete_evaluation)
        for when, who, where, short, text in story.comments:
            self.add(
                at(when, 15),
                lambda w=who, p=where, s=short, t=text: self.comment(w, p, s, t),
            )
        return self.steps

    def assign_people(self) -> None:
        project, cast = self.project(), self.cast
        for role, person in (
            (AssignmentRole.MANAGER, cast.manager),
            (AssignmentRole.DEPUTY, cast.deputy),
        ):
            services.project_assign(
                actor=cast.owner_staff,
                project=project,
                role=role,
                person=person,
                organisation=project.owner,
            )
        for name, short in self.story.steering:
            person = cast.people.get(name)
            services.project_assign(
                actor=cast.owner_staff,
                project=project,
                role=AssignmentRole.STEERING,
                person=person,
                name="" if person else name,
                organisation=cast.orgs[short],
            )

    def start(self) -> None:
        project, cast = self.project(), self.cast
        if cast.evaluator is not None:
            services.project_assign(
                actor=cast.admin,
                project=project,
                role=AssignmentRole.EVALUATOR,
                person=cast.evaluator,
                organisation=cast.evaluator.memberships.first().organisation,
            )
        for condition in project.conditions.filter(met_on__isnull=True):
            services.condition_meet(
                actor=cast.admin, condition=condition, note="Uppfyllt enligt projektplanen." + DEMO
            )
        services.project_activate(actor=cast.admin, project=project)

    def pay(self, year: int, instalment: int) -> None:
        """The year's instalment to each recipient in the budget as it stands."""
        project = self.project()
        figures = ledger_figures(project)
        last = year == self.ends_on.year
        for (budget_year, recipient_id), amount in sorted(
            budget_of(project.current_version).items()
        ):
            if budget_year != year:
                continue
            left = amount - figures.paid((year, recipient_id))
            if instalment == 1:
                paying = min(_thousands(amount / 2), left)
            else:
                paying = left
                if last and recipient_id == self.owner_id:
                    paying -= self.story.unpaid
            if paying <= 0:
                continue
            services.disbursement_record(
                actor=self.cast.admin,
                project=project,
                year=year,
                recipient=Organisation.objects.get(pk=recipient_id),
                amount=paying,
                value_date=recording_day(),
                note=f"Utbetalning {instalment} av 2 för {year} (demodata)",
            )

    def refund(self, year: int, short: str, amount: int) -> None:
        services.refund_record(
            actor=self.cast.admin,
            project=self.project(),
            year=year,
            recipient=self._recipient(short),
            amount=amount,
            value_date=recording_day(),
            note=f"Ej förbrukade medel för {year} återbetalda efter bokslutet (demodata)",
        )

    # --- progress reports ------------------------------------------------------------------

    def report(self, index: int, end: dt.date, *, last: bool, count: int) -> None:
        story = self.story
        due = end + dt.timedelta(days=15)
        self.add(at(end + dt.timedelta(days=1), 6), lambda: self.create_reports(end))
        if index in story.late:
            submitted = due + dt.timedelta(days=9 + 4 * (index % 4))
        else:
            submitted = due - dt.timedelta(days=2 + (index * 3 + self.pk) % 7)
        value = self._indicator(index, count)
        returned = index == story.returned
        self.add(
            at(submitted - dt.timedelta(days=1), 15),
            lambda: self.write(end, index, value, last=last, incomplete=returned),
        )
        self.add(at(submitted, 10), lambda: self.submit(end))
        reviewer = self.cast.admin if (index + self.pk) % 2 else self.cast.director
        if returned:
            back = submitted + dt.timedelta(days=6)
            self.add(at(back, 14), lambda: self.send_back(end))
            self.add(
                at(back + dt.timedelta(days=5), 15),
                lambda: self.write(end, index, value, last=last, completed=True),
            )
            self.add(at(back + dt.timedelta(days=6), 10), lambda: self.submit(end))
            self.add(at(back + dt.timedelta(days=10), 11), lambda: self.review(end, reviewer))
        else:
            self.add(
                at(submitted + dt.timedelta(days=4 + index % 5), 11),
                lambda: self.review(end, reviewer),
            )

    def _indicator(self, index: int, count: int) -> int:
        return round(300 * self.story.reach / 100 * (index + 1) / count)

    def _report(self, end: dt.date) -> ProgressReport:
        return ProgressReport.objects.get(project_id=self.pk, period_end=end)

    def create_reports(self, end: dt.date) -> None:
        services.progress_reports_create_due(
            today=end + dt.timedelta(days=1), project=self.project()
        )

    def write(self, end, index, value, *, last, incomplete=False, completed=False) -> None:
        report = self._report(end)
        story = self.story
        focus = story.focus
        if index == 0:
            narrative = (
                f"Projektet har startat och är bemannat. Styrgruppen har haft sitt första möte "
                f"och arbetet med {focus} har planerats med de deltagande förvaltningarna."
            )
        elif last:
            narrative = (
                f"Investeringsfasen är avslutad. Arbetet med {focus} har nått {value} deltagare. "
                "Arbetssättet förs över till ordinarie verksamhet och slutredovisningen har "
                "lämnats till styrgruppen."
            )
        elif end.month == 4:
            narrative = (
                f"Under våren har arbetet med {focus} fortsatt enligt plan. Hittills har "
                f"{value} deltagare nåtts."
            )
        elif end.month == 8:
            narrative = (
                "Sommaren har använts till uppföljning och planering inför hösten. Arbetet med "
                f"{focus} har fortsatt i mindre skala; totalt {value} deltagare hittills."
            )
        else:
            narrative = (
                f"Året har sammanfattats i styrgruppen. Arbetet med {focus} har genomförts "
                f"enligt plan och {value} deltagare har tagit del av insatsen."
            )
        if completed:
            narrative += (
                " Komplettering: de upparbetade kostnaderna per månad finns i bilagan till "
                "styrgruppens protokoll, och deltagarantalet ligger under plan eftersom "
                "rekryteringen av handledare tog längre tid än beräknat."
            )
        deviations = "Inga väsentliga avvikelser från planen."
        if PANDEMIC[0] <= end <= PANDEMIC[1]:
            deviations = (
                "Covid-19-pandemin har gjort att gruppträffar ställts om till digitala träffar "
                "och träffar utomhus; färre deltagare än planerat."
            )
        spend = self._spend(report, last=last)
        if end.month == 12 and any(year == end.year for year, _s, _a in story.refunds):
            deviations = (
                f"Kostnaderna för {end.year} blev lägre än budgeten; det som inte förbrukats "
                "betalas tillbaka till fonden efter bokslutet."
            )
        if last and story.unpaid:
            deviations = "Projektet avslutades med lägre kostnader än budgeterat."
        indicator = report.project.indicators.order_by("pk").first()
        services.progress_report_update(
            actor=self.cast.manager,
            report=report,
            narrative=narrative + DEMO,
            deviations="" if incomplete else deviations + DEMO,
            risks="" if last else RISKS[(index + self.pk) % len(RISKS)] + DEMO,
            spend=spend,
            values={indicator.pk: Decimal(value)} if indicator is not None else None,
        )

    def _spend(self, report: ProgressReport, *, last: bool) -> dict[int, int]:
        """Spend so far in the report's year per recipient: a share of the year's budget; at
        the year's end what was kept (less refunds, or what was never paid in the last year)."""
        year, month = report.period_end.year, report.period_end.month
        budget = budget_of(report.project.current_version)
        refunds = {
            (self._recipient(short).pk): amount
            for refund_year, short, amount in self.story.refunds
            if refund_year == year
        }
        spend = {}
        for org in report_recipients(report):
            amount = budget.get((year, org.pk), 0)
            if month == 12 or last:
                kept = amount - refunds.get(org.pk, 0)
                if year == self.ends_on.year and org.pk == self.owner_id:
                    kept -= self.story.unpaid
                spend[org.pk] = kept
            else:
                spend[org.pk] = _thousands(amount * SPENT_BY[month])
        return spend

    def submit(self, end: dt.date) -> None:
        services.progress_report_submit(
            actor=self.cast.manager, report=self._report(end), today=recording_day()
        )

    def send_back(self, end: dt.date) -> None:
        services.progress_report_return(
            actor=self.cast.admin,
            report=self._report(end),
            message=(
                "Komplettera rapporten med en kommentar till avvikelsen mot budgeten och till "
                "att deltagarantalet ligger under plan." + DEMO
            ),
        )

    def review(self, end: dt.date, reviewer: User) -> None:
        services.progress_report_review(actor=reviewer, report=self._report(end))

    # --- change requests, pause ------------------------------------------------------------

    def change(self, change) -> None:
        self.add(at(change.asked, 14), lambda: self.ask(change))
        self.add(at(change.asked + dt.timedelta(days=1), 9), self.send_change)
        self.add(at(change.decided, 15), lambda: self.decide(change))

    def ask(self, change) -> None:
        project = self.project()
        request = services.change_request_create(
            actor=self.cast.manager, project=project, kind=ChangeKind.CHANGE
        )
        lines = [
            (line.year, line.recipient_id, line.cost_type, line.amount)
            for line in request.budget.all()
        ]
        services.change_request_update(
            actor=self.cast.manager,
            change=request,
            reason=change.reason + DEMO,
            ends_on=change.ends_on,
            scope=change.scope,
            budget=change.budget(lines, self.owner_id, self.cast.orgs),
        )

    def _open_change(self):
        return self.project().changes.filter(state__in=("draft", "submitted")).get()

    def send_change(self) -> None:
        services.change_request_submit(actor=self.cast.manager, change=self._open_change())

    def decide(self, change) -> None:
        request = self._open_change()
        if change.approved:
            services.change_request_approve(
                actor=self.cast.admin, change=request, reason=change.decision + DEMO
            )
        else:
            services.change_request_reject(
                actor=self.cast.admin, change=request, reason=change.decision + DEMO
            )

    def pause(self, reason: str) -> None:
        services.project_pause(actor=self.cast.admin, project=self.project(), reason=reason + DEMO)

    def resume(self) -> None:
        services.project_resume(actor=self.cast.admin, project=self.project())

    # --- the end of the investment phase ---------------------------------------------------

    def end_phase(self) -> None:
        services.project_phase_end(actor=self.cast.admin, project=self.project())

    def release(self) -> None:
        project = self.project()
        left = ledger_figures(project).outstanding
        if left > 0:
            services.release_record(
                actor=self.cast.admin,
                project=project,
                amount=left,
                value_date=recording_day(),
                reason=(
                    "Slutredovisningen är godkänd. Det som inte betalats ut eller har betalats "
                    "tillbaka återgår till fondens disponibla medel." + DEMO
                ),
            )

    def _evaluator(self) -> User:
        return self.cast.evaluator or self.cast.admin

    def begin_evaluation(self) -> None:
        design = self.story.design
        services.evaluation_update(
            actor=self._evaluator(),
            project=self.project(),
            design=design,
            design_text=DESIGN_TEXTS[design] + DEMO,
        )

    def complete_evaluation(self) -> None:
        story, project = self.story, self.project()
        rows = []
        for short, first, last, yearly in story.savings:
            for year in range(first, last + 1):
                rows.append(
                    (
                        self.cast.orgs[short].pk,
                        year,
                        _thousands(yearly * SAVINGS_PROFILE[year]),
                        "Registerdata 2019–2022 jämförda med utvärderingens antaganden om "
                        "styckkostnader (demodata).",
                    )
                )
        evaluation = services.evaluation_update(
            actor=self._evaluator(),
            project=project,
            results=story.results + DEMO,
            observed_effects=story.effects + DEMO,
            counterfactual=COUNTERFACTUAL[story.design] + DEMO,
            economic_effects=bool(story.savings),
            savings=rows,
        )
        services.evaluation_complete(actor=self._evaluator(), evaluation=evaluation)

    def comment(self, who: str, where: str, short: str, text: str) -> None:
        project = self.project()
        organisation = self.cast.orgs[short]
        if where == "project":
            comment_add(
                actor=self.cast.people[who],
                target=project,
                text=text + DEMO,
                organisation=organisation,
            )
        else:
            comment_add(
                actor=self.cast.people[who],
                target=Evaluation.objects.get(project=project),
                text=text + DEMO,
                organisation=organisation,
                about=organisation,
            )


def run(steps: list[Step]) -> None:
    """Take the steps in time order, each recorded at its moment, without e-mails."""
    with muted():
        for moment, _project, _order, action in sorted(steps, key=lambda step: step[:3]):
            with recorded_at(moment):
                action()

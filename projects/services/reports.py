"""Progress reports to the city director: created when each period of the investment phase
ends (idempotently: the unique period per project decides), written and submitted by the
project manager or deputy, read, reviewed or returned for completion by the fund
administrators and the city director; and the reminders about them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record, recording_day, recording_time
from core.files import store_upload
from core.notices import notify
from core.selectors import city_director_and_delegates, fund_administrators
from projects import notices
from projects.models import (
    ProgressReport,
    Project,
    ReminderKind,
    ReportAttachment,
    ReportIndicatorValue,
    ReportReminder,
    ReportSpend,
    ReportState,
)
from projects.plans import period_ends
from projects.rules import report_recipients, submit_problems
from projects.services.locks import report_lock
from projects.states import REPORT, REPORTING

R = ReportState
MAX_VALUE = Decimal("999999999999.99")


def progress_reports_create_due(
    *, today: dt.date | None = None, project: Project | None = None
) -> int:
    """Create the reports of every period that has ended, for every project that reports
    (active, paused or with its investment phase just ended). Safe to run again and at the same
    time as another run: each period's report is made once (a unique key per project and
    period). Returns how many were made."""
    day = today or recording_day()
    projects = Project.objects.filter(state__in=REPORTING).select_related("registration__fund")
    if project is not None:
        projects = projects.filter(pk=project.pk)
    made = 0
    for item in projects:
        existing = set(item.reports.values_list("period_end", flat=True))
        for end in period_ends(item.starts_on, item.ends_on):
            if end > day or end in existing:
                continue
            due = end + dt.timedelta(days=item.registration.fund.report_due_days)
            try:
                with transaction.atomic():
                    ProgressReport.objects.create(
                        project=item, period_end=end, due_on=due, created_at=recording_time()
                    )
                    event_record(
                        actor=None,
                        action="project.reports_due",
                        target=item,
                        data={"period": end.isoformat(), "due": due.isoformat()},
                    )
            except IntegrityError:
                continue  # another run made it first
            made += 1
    return made


def _clean_text(value: str, limit: int = 20000) -> str:
    return (value or "").strip()[:limit]


@transaction.atomic
def progress_report_update(
    *,
    actor,
    report: ProgressReport,
    narrative: str = "",
    deviations: str = "",
    risks: str = "",
    spend: dict[int, int] | None = None,
    values: dict[int, Decimal | None] | None = None,
) -> ProgressReport:
    """Save what the project manager has written so far (the report stays a draft)."""
    report = report_lock(report)
    REPORT.check_editable(report)
    recipients = {org.pk: org for org in report_recipients(report)}
    spend = spend or {}
    for recipient, amount in spend.items():
        if recipient not in recipients:
            raise DomainError(
                _("Spend is reported for the organisations in the budget for %(year)s.")
                % {"year": report.year},
                field="spend",
            )
        if amount is not None and (
            not isinstance(amount, int) or isinstance(amount, bool) or amount < 0
        ):
            raise DomainError(_("Spend must be whole kronor, 0 or more."), field="spend")
    indicators = {i.pk for i in report.project.indicators.all()}
    values = values or {}
    for indicator, value in values.items():
        if indicator not in indicators:
            raise DomainError(_("Report values of the project's own indicators."), field="values")
        if value is not None and abs(value) > MAX_VALUE:
            raise DomainError(_("The value is too large."), field="values")
    report.narrative = _clean_text(narrative)
    report.deviations = _clean_text(deviations)
    report.risks = _clean_text(risks)
    report.save(update_fields=["narrative", "deviations", "risks"])
    for recipient, amount in spend.items():
        if amount is None:
            ReportSpend.objects.filter(report=report, recipient_id=recipient).delete()
        else:
            ReportSpend.objects.update_or_create(
                report=report, recipient_id=recipient, defaults={"amount": amount}
            )
    for indicator, value in values.items():
        if value is None:
            ReportIndicatorValue.objects.filter(report=report, indicator_id=indicator).delete()
        else:
            ReportIndicatorValue.objects.update_or_create(
                report=report, indicator_id=indicator, defaults={"value": value}
            )
    event_record(
        actor=actor,
        action="report.updated",
        target=report.project,
        data={"period": report.period_end.isoformat()},
    )
    return report


@transaction.atomic
def progress_report_submit(
    *, actor, report: ProgressReport, today: dt.date | None = None
) -> ProgressReport:
    """The project manager or deputy submits the report to the city director."""
    report = report_lock(report)
    report.project = Project.objects.select_related("registration").get(pk=report.project_id)
    from_state = REPORT.check(report, R.SUBMITTED)
    problems = submit_problems(report)
    if problems:
        raise DomainError(" ".join(problems), code="incomplete")
    report.state = R.SUBMITTED
    report.submitted_at = recording_time()
    report.submitted_by = actor
    report.save(update_fields=["state", "submitted_at", "submitted_by"])
    period = report.period_end.isoformat()
    event_record(
        actor=actor,
        action="report.submitted",
        target=report.project,
        from_state=from_state,
        to_state=report.state,
        data={"period": period},
    )
    notify(
        "report_submitted",
        case=report.project,
        url=notices.report_url(report),
        people=[*city_director_and_delegates(today), *fund_administrators(today)],
        title=report.project.title,
        period=period,
    )
    return report


@transaction.atomic
def progress_report_review(*, actor, report: ProgressReport) -> ProgressReport:
    """A fund administrator or the city director marks the report read and reviewed."""
    report = report_lock(report)
    from_state = REPORT.check(report, R.REVIEWED)
    report.state = R.REVIEWED
    report.reviewed_at = recording_time()
    report.reviewed_by = actor
    report.save(update_fields=["state", "reviewed_at", "reviewed_by"])
    event_record(
        actor=actor,
        action="report.reviewed",
        target=report.project,
        from_state=from_state,
        to_state=report.state,
        data={"period": report.period_end.isoformat()},
    )
    return report


@transaction.atomic
def progress_report_return(*, actor, report: ProgressReport, message: str) -> ProgressReport:
    """Returned for completion with a message: the project manager completes and submits it
    again."""
    report = report_lock(report)
    from_state = REPORT.check(report, R.RETURNED)
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say what the report must complete."), field="reason")
    report.state = R.RETURNED
    report.return_message = message
    report.save(update_fields=["state", "return_message"])
    project = Project.objects.select_related("registration").get(pk=report.project_id)
    period = report.period_end.isoformat()
    event_record(
        actor=actor,
        action="report.returned",
        target=project,
        from_state=from_state,
        to_state=report.state,
        comment=message,
        data={"period": period},
    )
    notify(
        "report_returned",
        case=project,
        url=notices.report_url(report),
        people=[*notices.project_side(project), report.submitted_by],
        comment=message,
        period=period,
    )
    return report


@transaction.atomic
def report_attachment_add(
    *, actor, report: ProgressReport, title: str, uploaded
) -> ReportAttachment:
    report = report_lock(report)
    REPORT.check_editable(report)
    attachment = store_upload(ReportAttachment(report=report), uploaded, title=title, by=actor)
    event_record(
        actor=actor,
        action="report.attachment_added",
        target=report.project,
        data={"title": attachment.title},
    )
    return attachment


@transaction.atomic
def report_attachment_remove(*, actor, attachment: ReportAttachment) -> ReportAttachment:
    report = report_lock(attachment.report)
    REPORT.check_editable(report)
    attachment = ReportAttachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is None:
        attachment.removed_at = recording_time()
        attachment.save(update_fields=["removed_at"])
        event_record(
            actor=actor,
            action="report.attachment_removed",
            target=report.project,
            data={"title": attachment.title},
        )
    return attachment


# --- Reminders ----------------------------------------------------------------------------

_KIND_NOTICE = {
    ReminderKind.BEFORE: "report_before",
    ReminderKind.DUE: "report_due",
    ReminderKind.OVERDUE: "report_overdue",
}
BEFORE_DAYS = 14
OVERDUE_EVERY = 7


def reminder_for(report: ProgressReport, day: dt.date) -> tuple[str, dt.date] | None:
    """The reminder a still open report has on ``day``, as (kind, the day it is for): 14 days
    before the due date, on the due date, and every seven days while overdue. A run that missed
    days sends the latest one that has fallen due, never the ones in between."""
    due = report.due_on
    if day < due - dt.timedelta(days=BEFORE_DAYS):
        return None
    if day < due:
        return ReminderKind.BEFORE, due - dt.timedelta(days=BEFORE_DAYS)
    late = (day - due).days
    if late < OVERDUE_EVERY:
        return ReminderKind.DUE, due
    return ReminderKind.OVERDUE, due + dt.timedelta(days=late - late % OVERDUE_EVERY)


def progress_reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail the project manager and deputy about every open report that has a reminder
    today, each reminder once: it is claimed by inserting its unique row in the same
    transaction that queues the e-mail, so two runs at once (or the same run twice) send it
    once. Returns how many reminders this run sent."""
    day = today or recording_day()
    horizon = day + dt.timedelta(days=BEFORE_DAYS)
    sent = 0
    reports = (
        ProgressReport.objects.open()
        # A cancelled or closed project owes no more reports: nobody is reminded.
        .filter(due_on__lte=horizon, project__state__in=REPORTING)
        .select_related("project__registration")
        .order_by("due_on", "pk")
    )
    for report in reports:
        reminder = reminder_for(report, day)
        if reminder is None:
            continue
        kind, on = reminder
        try:
            with transaction.atomic():
                people = notices.project_side(report.project, day)
                ReportReminder.objects.create(
                    report=report, kind=kind, on=on, recipients=[p.email for p in people]
                )
                notify(
                    _KIND_NOTICE[kind],
                    case=report.project,
                    url=notices.report_url(report),
                    people=people,
                    period=report.period_end.isoformat(),
                    date=report.due_on.isoformat(),
                )
                event_record(
                    actor=None,
                    action="report.reminded",
                    target=report.project,
                    data={"reminder": kind, "due": report.due_on.isoformat()},
                )
        except IntegrityError:
            continue  # another run claimed it
        sent += 1
    return sent

"""Progress reports: one per ended period of the investment phase, written, submitted, returned
for completion and reviewed, with their attachments; and the reminders about them. Made and
sent once however often (and however many at once) the jobs run."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Event, OutboundEmail
from projects import services
from projects.models import ProgressReport, ReportReminder, ReportState
from projects.plans import period_ends
from projects.services import reports as report_services
from projects.services.reports import reminder_for
from tests import factories
from tests.projects.conftest import NEXT, YEAR, at_once, each, emails, pdf, refused, start

pytestmark = pytest.mark.django_db
R = ReportState
D = dt.date
DAY = dt.timedelta(days=1)
# The report of the period ending 31 December this year is due 15 days later.
DUE = D(NEXT, 1, 15)


def create_due(day, project=None) -> int:
    return services.progress_reports_create_due(today=day, project=project)


def periods(project) -> list[tuple[dt.date, dt.date]]:
    return list(project.reports.order_by("period_end").values_list("period_end", "due_on"))


def first_report(project) -> ProgressReport:
    """The report of the period ending 30 April this year."""
    create_due(D(YEAR, 5, 1), project)
    return project.reports.get(period_end=D(YEAR, 4, 30))


def december_report(project) -> ProgressReport:
    """Only the report of the period ending 31 December this year (made directly, so that the
    earlier periods' reminders do not mix in)."""
    return ProgressReport.objects.create(
        project=project, period_end=D(YEAR, 12, 31), due_on=D(YEAR, 12, 31) + 15 * DAY
    )


def complete(report, actor, co_owner, **kwargs) -> ProgressReport:
    return services.progress_report_update(
        actor=actor,
        report=report,
        narrative="Läsombud utbildade i tre förskolor.",
        spend={report.project.owner_id: 400_000, co_owner.pk: 0},
        **kwargs,
    )


def submitted(report, actor, co_owner) -> ProgressReport:
    complete(report, actor, co_owner)
    return services.progress_report_submit(actor=actor, report=report)


def actions(project, action: str) -> int:
    return Event.objects.for_target(project).filter(action=action).count()


# --- Made per ended period ----------------------------------------------------------------------


def test_a_report_is_made_for_each_ended_period_and_none_ahead(running):
    assert create_due(D(YEAR, 9, 1)) == 2
    assert periods(running) == [
        (D(YEAR, 4, 30), D(YEAR, 5, 15)),
        (D(YEAR, 8, 31), D(YEAR, 9, 15)),
    ]
    assert set(running.reports.values_list("state", flat=True)) == {R.DUE}
    assert actions(running, "project.reports_due") == 2


def test_a_report_is_due_the_funds_number_of_days_after_its_period(running):
    fund = running.registration.fund
    fund.report_due_days = 30
    fund.save(update_fields=["report_due_days"])
    create_due(D(YEAR, 5, 2))
    assert periods(running) == [(D(YEAR, 4, 30), D(YEAR, 5, 30))]


def test_running_again_makes_only_the_periods_ended_since(running):
    assert create_due(D(YEAR, 9, 1)) == 2
    assert create_due(D(YEAR, 9, 1)) == 0
    assert create_due(D(NEXT, 1, 20)) == 1
    assert [end for end, _due in periods(running)] == [
        D(YEAR, 4, 30),
        D(YEAR, 8, 31),
        D(YEAR, 12, 31),
    ]


def test_after_the_phase_every_period_has_its_report_and_none_beyond(running, fund_admin):
    services.project_phase_end(actor=fund_admin, project=running, today=D(NEXT + 1, 1, 2))
    assert create_due(D(NEXT + 3, 6, 1)) == 6
    assert periods(running)[-1] == (D(NEXT, 12, 31), D(NEXT + 1, 1, 15))


def test_a_starting_or_cancelled_project_owes_no_reports(project, fund_admin):
    assert create_due(D(NEXT, 1, 20)) == 0
    start(project, fund_admin)
    services.project_cancel(actor=fund_admin, project=project, reason="Avbrutet.")
    assert create_due(D(NEXT, 1, 20)) == 0
    assert not ProgressReport.objects.exists()


def test_a_paused_project_still_owes_its_reports(running, fund_admin):
    services.project_pause(actor=fund_admin, project=running, reason="Sjukdom.")
    assert create_due(D(YEAR, 5, 1)) == 1


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.dates(D(YEAR - 1, 6, 1), D(NEXT + 1, 6, 30)))
def test_on_any_day_exactly_the_ended_periods_have_reports(running, day):
    expected = [
        (end, end + 15 * DAY) for end in period_ends(D(YEAR, 1, 1), D(NEXT, 12, 31)) if end <= day
    ]
    try:
        with transaction.atomic():
            assert create_due(day) == len(expected)
            assert create_due(day) == 0
            assert periods(running) == expected
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_make_each_report_once(monkeypatch, running):
    ends = report_services.period_ends

    def slow(*args):
        # Both runs have read the existing reports before either makes one.
        found = ends(*args)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(report_services, "period_ends", slow)
    results, errors = at_once(lambda: create_due(D(NEXT, 1, 20)))
    assert errors == []
    assert sum(results) == 3
    assert len(periods(running)) == 3
    assert actions(running, "project.reports_due") == 3


# --- Written and submitted ----------------------------------------------------------------------


def test_the_report_keeps_texts_spend_per_recipient_and_indicator_values(
    running, manager, co_owner_org
):
    report = first_report(running)
    indicator = running.indicators.get()
    services.progress_report_update(
        actor=manager,
        report=report,
        narrative="  Vi har startat. ",
        deviations="Inga.",
        risks="Rekrytering.",
        spend={running.owner_id: 400_000, co_owner_org.pk: 0},
        values={indicator.pk: Decimal("12.50")},
    )
    report.refresh_from_db()
    assert (report.narrative, report.deviations, report.risks) == (
        "Vi har startat.",
        "Inga.",
        "Rekrytering.",
    )
    assert dict(report.spend.values_list("recipient_id", "amount")) == {
        running.owner_id: 400_000,
        co_owner_org.pk: 0,
    }
    assert list(report.values.values_list("indicator_id", "value")) == [
        (indicator.pk, Decimal("12.50"))
    ]
    # None takes a figure back out.
    services.progress_report_update(
        actor=manager,
        report=report,
        narrative="Vi har startat.",
        spend={co_owner_org.pk: None},
        values={indicator.pk: None},
    )
    assert list(report.spend.values_list("recipient_id", flat=True)) == [running.owner_id]
    assert not report.values.exists()
    assert actions(running, "report.updated") == 2


def test_spend_is_given_in_whole_kronor_for_the_years_budget_recipients_only(
    running, manager, social, nonprofit
):
    report = first_report(running)
    services.progress_report_update(
        actor=manager, report=report, narrative="Första.", spend={running.owner_id: 100}
    )
    for outsider in (social, nonprofit):
        with translation.override("en"), refused(field="spend") as info:
            services.progress_report_update(
                actor=manager, report=report, narrative="Ändrad.", spend={outsider.pk: 5}
            )
        assert f"budget for {YEAR}" in info.value.message
    for amount in (-1, 10.5, True):
        with refused(field="spend"):
            services.progress_report_update(
                actor=manager, report=report, narrative="Ändrad.", spend={running.owner_id: amount}
            )
    report.refresh_from_db()
    assert report.narrative == "Första."
    assert dict(report.spend.values_list("recipient_id", "amount")) == {running.owner_id: 100}


def test_values_are_given_for_the_projects_own_indicators(running, manager):
    report = first_report(running)
    indicator = running.indicators.get()
    with refused(field="values"):
        services.progress_report_update(
            actor=manager, report=report, narrative="x", values={indicator.pk + 1000: 1}
        )
    with refused(field="values"):
        services.progress_report_update(
            actor=manager, report=report, narrative="x", values={indicator.pk: Decimal("1e13")}
        )
    report.refresh_from_db()
    assert report.narrative == ""
    assert not report.values.exists()


def test_a_report_is_submitted_only_with_a_narrative_and_every_recipients_spend(
    running, manager, co_owner_org
):
    report = first_report(running)
    with translation.override("en"), refused(code="incomplete") as info:
        services.progress_report_submit(actor=manager, report=report)
    assert "Describe what has been done" in info.value.message
    assert f"{running.owner.name}, {co_owner_org.name}" in info.value.message
    services.progress_report_update(
        actor=manager, report=report, narrative="Klart.", spend={running.owner_id: 0}
    )
    with translation.override("en"), refused(code="incomplete") as info:
        services.progress_report_submit(actor=manager, report=report)
    assert info.value.message == (
        f"Give the spend so far in {YEAR} (0 if none) for: {co_owner_org.name}."
    )
    report.refresh_from_db()
    assert (report.state, report.submitted_at) == (R.DUE, None)
    submitted(report, manager, co_owner_org)
    report.refresh_from_db()
    assert (report.state, report.submitted_by) == (R.SUBMITTED, manager)
    assert actions(running, "report.submitted") == 1


def test_a_submitted_report_is_neither_submitted_again_nor_changed(running, manager, co_owner_org):
    report = submitted(first_report(running), manager, co_owner_org)
    with refused(code="transition"):
        services.progress_report_submit(actor=manager, report=report)
    with refused(code="not_editable"):
        services.progress_report_update(actor=manager, report=report, narrative="Nytt.")
    report.refresh_from_db()
    assert (report.state, report.narrative) == (R.SUBMITTED, "Läsombud utbildade i tre förskolor.")


def test_the_city_director_delegate_and_fund_administrators_hear_of_a_submitted_report(
    running, manager, co_owner_org, city_director, fund_admin
):
    delegate = factories.person(name="Dora Delegat")
    factories.DelegationFactory(delegator=city_director, delegate=delegate)
    OutboundEmail.objects.all().delete()
    submitted(first_report(running), manager, co_owner_org)
    assert emails("report_submitted") == each(city_director, delegate, fund_admin)


def test_a_returned_report_is_completed_submitted_again_and_reviewed(
    running, manager, deputy, applicant, co_owner_org, fund_admin, city_director
):
    # The owner's staff submit it this time: the submitter hears of the return too.
    report = submitted(first_report(running), applicant, co_owner_org)
    with refused(field="reason"):
        services.progress_report_return(actor=fund_admin, report=report, message="  ")
    report.refresh_from_db()
    assert report.state == R.SUBMITTED
    services.progress_report_return(actor=fund_admin, report=report, message="Ange kostnaderna.")
    report.refresh_from_db()
    assert (report.state, report.return_message) == (R.RETURNED, "Ange kostnaderna.")
    assert emails("report_returned") == each(manager, deputy, applicant)
    services.progress_report_update(
        actor=manager,
        report=report,
        narrative="Kompletterad.",
        spend={running.owner_id: 450_000, co_owner_org.pk: 0},
    )
    services.progress_report_submit(actor=manager, report=report)
    services.progress_report_review(actor=city_director, report=report)
    report.refresh_from_db()
    assert (report.state, report.reviewed_by, report.submitted_by) == (
        R.REVIEWED,
        city_director,
        manager,
    )
    with refused(code="transition"):
        services.progress_report_review(actor=fund_admin, report=report)
    with refused(code="transition"):
        services.progress_report_return(actor=fund_admin, report=report, message="Igen.")
    with refused(code="not_editable"):
        services.progress_report_update(actor=manager, report=report, narrative="Sent.")
    assert [e.action for e in Event.objects.for_target(running).filter(action__in=TRANSITIONS)][
        ::-1
    ] == ["report.submitted", "report.returned", "report.submitted", "report.reviewed"]


TRANSITIONS = ("report.submitted", "report.returned", "report.reviewed")


def test_a_report_not_yet_submitted_is_neither_reviewed_nor_returned(running, fund_admin):
    report = first_report(running)
    with refused(code="transition"):
        services.progress_report_review(actor=fund_admin, report=report)
    with refused(code="transition"):
        services.progress_report_return(actor=fund_admin, report=report, message="Komplettera.")
    report.refresh_from_db()
    assert report.state == R.DUE


def test_attachments_come_and_go_only_while_the_report_is_open(running, manager, co_owner_org):
    report = first_report(running)
    first = services.report_attachment_add(
        actor=manager, report=report, title="Lägesbild", uploaded=pdf()
    )
    assert (first.report, first.title, first.uploaded_by) == (report, "Lägesbild", manager)
    services.report_attachment_remove(actor=manager, attachment=first)
    first.refresh_from_db()
    assert first.removed_at is not None  # kept, marked removed
    second = services.report_attachment_add(actor=manager, report=report, title="", uploaded=pdf())
    assert second.title == "a.pdf"
    submitted(report, manager, co_owner_org)
    with refused(code="not_editable"):
        services.report_attachment_add(actor=manager, report=report, title="Sen", uploaded=pdf())
    with refused(code="not_editable"):
        services.report_attachment_remove(actor=manager, attachment=second)
    second.refresh_from_db()
    assert second.removed_at is None
    assert report.attachments.count() == 2


# --- Reminders ----------------------------------------------------------------------------------


def test_reminders_fall_14_days_before_on_the_due_date_and_weekly_while_overdue():
    report = ProgressReport(due_on=DUE)
    assert reminder_for(report, D(NEXT, 1, 1) - DAY) is None
    assert reminder_for(report, D(NEXT, 1, 1)) == ("before", D(NEXT, 1, 1))
    assert reminder_for(report, DUE - DAY) == ("before", D(NEXT, 1, 1))
    assert reminder_for(report, DUE) == ("due", DUE)
    assert reminder_for(report, DUE + 6 * DAY) == ("due", DUE)
    assert reminder_for(report, DUE + 7 * DAY) == ("overdue", DUE + 7 * DAY)
    assert reminder_for(report, DUE + 13 * DAY) == ("overdue", DUE + 7 * DAY)
    assert reminder_for(report, DUE + 14 * DAY) == ("overdue", DUE + 14 * DAY)


def _latest_slot(due: dt.date, day: dt.date):
    """The reference: every reminder a report has, listed, and the latest that has fallen."""
    slots = [("before", due - 14 * DAY), ("due", due)]
    slots += [("overdue", due + 7 * week * DAY) for week in range(1, 60)]
    fallen = [slot for slot in slots if slot[1] <= day]
    return fallen[-1] if fallen else None


@given(due=st.dates(D(2016, 1, 1), D(2040, 12, 31)), offset=st.integers(-40, 300))
def test_the_reminder_of_any_day_is_the_latest_one_fallen_due(due, offset):
    day = due + offset * DAY
    assert reminder_for(ProgressReport(due_on=due), day) == _latest_slot(due, day)


def send(day) -> int:
    return services.progress_reminders_send(today=day)


def test_the_manager_and_deputy_are_reminded_before_on_and_after_the_due_date(
    running, manager, deputy
):
    report = december_report(running)
    OutboundEmail.objects.all().delete()
    assert send(D(NEXT, 1, 1) - DAY) == 0
    assert send(D(NEXT, 1, 1)) == 1
    assert emails("report_before") == each(manager, deputy)
    subject = OutboundEmail.objects.filter(kind="report_before").first().subject
    assert DUE.isoformat() in subject
    assert send(DUE) == 1
    assert emails("report_due") == each(manager, deputy)
    assert send(DUE + 7 * DAY) == 1
    assert send(DUE + 14 * DAY) == 1
    assert emails("report_overdue") == sorted(each(manager, deputy) * 2)
    assert list(report.reminders.values_list("kind", "on")) == [
        ("before", D(NEXT, 1, 1)),
        ("due", DUE),
        ("overdue", DUE + 7 * DAY),
        ("overdue", DUE + 14 * DAY),
    ]
    assert sorted(report.reminders.first().recipients) == sorted([manager.email, deputy.email])
    assert actions(running, "report.reminded") == 4


def test_without_a_project_manager_the_owners_staff_are_reminded(project, fund_admin, applicant):
    start(project, fund_admin)
    december_report(project)
    OutboundEmail.objects.all().delete()
    assert send(DUE) == 1
    assert emails("report_due") == each(applicant)


def test_a_reminder_is_sent_once_however_often_the_job_runs(running):
    report = december_report(running)
    OutboundEmail.objects.all().delete()
    assert send(D(NEXT, 1, 1)) == 1
    assert send(D(NEXT, 1, 1)) == 0
    for offset in range(1, 14):
        assert send(D(NEXT, 1, 1) + offset * DAY) == 0
    assert report.reminders.count() == 1
    assert OutboundEmail.objects.filter(kind="report_before").count() == 2


def test_a_run_that_missed_days_sends_only_the_latest_reminder(running, manager, deputy):
    report = december_report(running)
    OutboundEmail.objects.all().delete()
    assert send(DUE + 15 * DAY) == 1
    assert list(report.reminders.values_list("kind", "on")) == [("overdue", DUE + 14 * DAY)]
    assert emails("report_overdue") == each(manager, deputy)
    assert emails("report_before") == emails("report_due") == []
    assert send(DUE + 16 * DAY) == 0


def test_only_reports_still_to_be_submitted_are_reminded(
    running, manager, co_owner_org, fund_admin
):
    report = submitted(december_report(running), manager, co_owner_org)
    assert send(D(NEXT, 1, 1)) == send(DUE) == send(DUE + 7 * DAY) == 0
    services.progress_report_return(actor=fund_admin, report=report, message="Komplettera.")
    assert send(DUE + 14 * DAY) == 1  # returned: to be submitted again
    services.progress_report_submit(actor=manager, report=report)
    services.progress_report_review(actor=fund_admin, report=report)
    assert send(DUE + 21 * DAY) == 0
    assert list(report.reminders.values_list("kind", "on")) == [("overdue", DUE + 14 * DAY)]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offsets=st.lists(st.integers(-20, 45), max_size=8).map(sorted))
def test_runs_on_any_days_send_what_a_plain_model_expects(running, offsets):
    try:
        with transaction.atomic():
            report = december_report(running)
            sent: list[tuple[str, dt.date]] = []
            for offset in offsets:
                day = DUE + offset * DAY
                slot = _latest_slot(DUE, day)
                expected = slot is not None and slot not in sent
                assert send(day) == int(expected), (offsets, day)
                if expected:
                    sent.append(slot)
            assert list(report.reminders.values_list("kind", "on")) == sent
            assert ReportReminder.objects.count() == len(sent)
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_a_reminder_once(monkeypatch, running, manager, deputy):
    report = december_report(running)
    OutboundEmail.objects.all().delete()
    original = report_services.reminder_for

    def slow(report, day):
        # Both runs have found the reminder before either claims it.
        found = original(report, day)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(report_services, "reminder_for", slow)
    results, errors = at_once(lambda: send(DUE))
    assert errors == []
    assert sorted(results) == [0, 1]
    assert emails("report_due") == each(manager, deputy)
    assert report.reminders.count() == 1
    assert actions(running, "report.reminded") == 1

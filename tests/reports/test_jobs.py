"""Report jobs: asking (refusals, one job for repeated clicks), the claim and its lease (two
workers never render one job), the sweep (a dead worker's job queued again, given up after
three tries; jobs that never reached the broker sent), and trying a failed job again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from core.errors import DomainError
from reports import services
from reports.models import JobState, ReportJob, ReportKind, Stage
from reports.services import jobs

pytestmark = pytest.mark.django_db

PORTFOLIO = ReportKind.PORTFOLIO


def _ask(actor, fund, day=None):
    return services.report_request(
        actor=actor, kind=PORTFOLIO, fund=fund, value_date=day or timezone.localdate()
    )


def test_a_value_date_after_today_or_before_the_fund_is_refused(fund, city_director):
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        _ask(city_director, fund, today + dt.timedelta(days=1))
    assert refused.value.field == "value_date"
    with pytest.raises(DomainError):
        _ask(city_director, fund, fund.started_on - dt.timedelta(days=1))
    assert not ReportJob.objects.exists()


def test_asking_again_while_the_job_is_unfinished_returns_the_same_job(
    fund, city_director, auditor
):
    first, new = _ask(city_director, fund)
    again, new_again = _ask(city_director, fund)
    assert new
    assert not new_again
    assert again.pk == first.pk
    _other_day, new_day = _ask(city_director, fund, fund.started_on)
    _theirs, new_theirs = _ask(auditor, fund)
    assert new_day
    assert new_theirs
    assert ReportJob.objects.count() == 3
    ReportJob.objects.filter(pk=first.pk).update(state=JobState.DONE)
    assert _ask(city_director, fund)[1]  # a finished one does not stop a new one


def test_only_one_claim_of_a_job_succeeds_until_its_lease_runs_out(fund, city_director):
    job, _new = _ask(city_director, fund)
    claim = jobs.report_job_claim(job.pk)
    assert claim is not None
    assert jobs.report_job_claim(job.pk) is None
    job.refresh_from_db()
    assert (job.state, job.attempts, job.claim, job.stage) == (
        JobState.RUNNING,
        1,
        claim,
        Stage.READING,
    )
    ReportJob.objects.filter(pk=job.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    second = jobs.report_job_claim(job.pk)
    assert second not in (None, claim)
    with pytest.raises(jobs.LeaseLost):
        jobs._renew(job.pk, claim, progress=50)
    jobs._renew(job.pk, second, progress=50)
    assert ReportJob.objects.get(pk=job.pk).progress == 50


def test_a_worker_that_lost_its_lease_keeps_nothing(portfolio, city_director, settings):
    job, _new = _ask(city_director, portfolio)
    claim = jobs.report_job_claim(job.pk)
    # Another worker took it over meanwhile.
    ReportJob.objects.filter(pk=job.pk).update(claim=None)
    from reports.render import html_to_pdf

    pdf = html_to_pdf("<html lang=sv><title>x</title><p>x", texts=jobs_texts())
    folder = Path(settings.MEDIA_ROOT) / "reports"
    before = sorted(folder.rglob("*.pdf")) if folder.exists() else []
    with pytest.raises(jobs.LeaseLost):
        jobs._store(ReportJob.objects.get(pk=job.pk), claim, pdf, 1.0)
    assert sorted(folder.rglob("*.pdf")) == before  # the file it saved is gone again
    job.refresh_from_db()
    assert job.state == JobState.RUNNING
    assert not job.file


def jobs_texts():
    from reports.render import Running

    return Running(top_left="Fond", top_right="Ej diarieförd", bottom_left="Per")


def test_the_sweep_queues_a_dead_workers_job_again_and_gives_up_after_three_tries(
    fund, city_director, monkeypatch
):
    sent = []
    monkeypatch.setattr(jobs, "report_job_send", lambda pk: sent.append(pk) or True)
    job, _new = _ask(city_director, fund)
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        assert jobs.report_job_claim(job.pk) is not None
        # Still held: the sweep leaves it.
        assert jobs.report_jobs_sweep()["requeued"] == 0
        ReportJob.objects.filter(pk=job.pk).update(
            claimed_until=timezone.now() - dt.timedelta(seconds=1)
        )
        result = jobs.report_jobs_sweep()
        job.refresh_from_db()
        if attempt < jobs.MAX_ATTEMPTS:
            assert result["requeued"] == 1
            assert job.state == JobState.QUEUED
            assert sent[-1] == job.pk
            assert job.claim is None
        else:
            assert result["given_up"] == 1
            assert job.state == JobState.FAILED
            assert "avbröts 3 gånger" in job.error or "interrupted 3 times" in job.error
    assert jobs.report_job_claim(job.pk) is None


def test_the_sweep_sends_jobs_that_never_reached_the_broker(fund, city_director, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "report_job_send", lambda pk: sent.append(pk) or True)
    _fresh, _new = _ask(city_director, fund)
    old, _new = _ask(city_director, fund, fund.started_on)
    delivered, _new = _ask(city_director, fund, fund.started_on + dt.timedelta(days=1))
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    ReportJob.objects.filter(pk__in=[old.pk, delivered.pk]).update(created_at=hour_ago)
    ReportJob.objects.filter(pk=delivered.pk).update(sent_at=timezone.now())
    assert jobs.report_jobs_sweep()["sent"] == 1
    assert sent == [old.pk]  # the fresh one is the request's own; the delivered one waits


def test_a_broker_that_cannot_be_reached_leaves_the_job_unsent(fund, city_director, monkeypatch):
    from reports import tasks

    def down(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.render_report, "apply_async", down)
    job, _new = _ask(city_director, fund)
    assert jobs.report_job_send(job.pk) is False
    job.refresh_from_db()
    assert job.sent_at is None
    assert job.send_attempts == 1
    assert job.waits_for_broker
    assert "Connection refused" in job.send_error


def test_a_failed_job_can_be_tried_again_and_only_a_failed_one(
    fund, city_director, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(jobs, "report_job_send", lambda pk: sent.append(pk) or True)
    job, _new = _ask(city_director, fund)
    with pytest.raises(DomainError):
        services.report_job_retry(actor=city_director, job=job)
    ReportJob.objects.filter(pk=job.pk).update(
        state=JobState.FAILED, error="Rapporten kunde inte tas fram", attempts=3
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_job_retry(actor=city_director, job=job)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.sent_at) == (JobState.QUEUED, 0, None)
    assert sent == [job.pk]


def test_a_render_that_raises_fails_the_job_with_the_reason(fund, city_director, monkeypatch):
    from reports import render

    def broken(*args, **kwargs):
        raise ValueError("Teckensnittet saknas")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    job, _new = _ask(city_director, fund)
    assert services.report_job_run(job.pk) is False
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "Teckensnittet saknas" in job.error
    assert job.finished_at is not None
    assert services.report_job_run(job.pk) is False  # a failed job is not taken again


@pytest.mark.django_db(transaction=True)
def test_five_requests_at_the_same_instant_make_one_job(fund, city_director, monkeypatch):
    from tests.projects.conftest import at_once

    monkeypatch.setattr(jobs, "report_job_send", lambda pk: True)
    results, errors = at_once(lambda: _ask(city_director, fund), count=5)
    assert errors == []
    assert ReportJob.objects.count() == 1
    assert sorted(new for _job, new in results) == [False, False, False, False, True]
    assert {job.pk for job, _new in results} == {ReportJob.objects.get().pk}

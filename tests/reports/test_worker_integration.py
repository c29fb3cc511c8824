"""Report jobs against real parts: Celery worker processes taking tasks from Redis, writing to
the test database (committed: ``transaction=True``), WeasyPrint rendering, the PDF read back
with pdftotext. A worker killed in the middle of a render, and a Redis that is down when the
report is asked for: the job is kept and done in the end, rendered once at a time."""

from __future__ import annotations

import hashlib
import signal
import time
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from reports.models import JobState, ReportJob
from reports.services import report_jobs_sweep
from tests.reports.conftest import kr, pdf_text, raw_sums
from tests.reports.workers import (
    broker,
    free_port,
    log_of,
    private_redis,
    stop,
    wait_for,
    worker,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _ask(client, person, fund) -> ReportJob:
    client.force_login(person)
    response = client.post(
        "/reports/",
        {
            "fund": fund.pk,
            "value_date": f"{timezone.localdate():%Y-%m-%d}",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    job = ReportJob.objects.get()
    assert response["Location"] == f"/reports/{job.pk}/"
    return job


def _state(job_id):
    return ReportJob.objects.get(pk=job_id)


def test_a_report_asked_for_over_http_is_rendered_by_a_worker_with_the_ledgers_figures(
    client, portfolio, city_director
):
    with broker(settings.TEST_REDIS_URL) as queue, worker(settings.TEST_REDIS_URL, queue) as w:
        job = _ask(client, city_director, portfolio)
        done = wait_for(lambda: _state(job.pk).is_finished and _state(job.pk), 90)
        assert done, log_of(w)
        assert done.state == JobState.DONE, log_of(w)
    assert done.sent_at is not None
    assert done.attempts == 1
    status = client.get(f"/reports/{job.pk}/status/").content.decode()
    assert "Klar." in status
    assert f"/reports/{job.pk}/download/" in status
    assert "hx-trigger" not in status  # finished: the page stops asking
    response = client.get(f"/reports/{job.pk}/download/")
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == done.checksum
    text = pdf_text(content)
    sums = raw_sums(portfolio, timezone.localdate())
    net_paid = sums["disbursement"] - sums["refund"]
    balance = sums["injection"] - net_paid - sums["fund_expense"] + sums["return"]
    outstanding = sums["grant"] - net_paid
    for amount in (sums["grant"], sums["disbursement"], sums["return"], balance, outstanding):
        assert kr(amount) in text
    assert kr(balance - outstanding) in text


def test_a_worker_killed_mid_render_leaves_the_job_to_the_next_worker(
    client, portfolio, city_director
):
    url = settings.TEST_REDIS_URL
    with broker(url) as queue:
        # A short lease, and a pause inside the render to kill the worker in.
        with worker(url, queue, REPORT_LEASE_SECONDS=3, REPORT_PAUSE_SECONDS=30) as first:
            job = _ask(client, city_director, portfolio)
            held = wait_for(lambda: _state(job.pk).state == JobState.RUNNING, 60)
            assert held, log_of(first)
            claim = _state(job.pk).claim
            stop(first, signal.SIGKILL)
        assert _state(job.pk).state == JobState.RUNNING  # nobody finished it
        # While a lease lasts, the sweep leaves the job alone (here: as if the dead worker's
        # lease were long); once it has run out, the sweep queues the job again.
        lease_end = _state(job.pk).claimed_until
        ReportJob.objects.filter(pk=job.pk).update(
            claimed_until=timezone.now() + timezone.timedelta(minutes=1)
        )
        assert report_jobs_sweep()["requeued"] == 0
        assert _state(job.pk).claim == claim
        ReportJob.objects.filter(pk=job.pk).update(claimed_until=lease_end)
        with worker(url, queue) as second:
            assert wait_for(lambda: _state(job.pk).claimed_until < timezone.now(), 10)
            assert report_jobs_sweep()["requeued"] == 1  # what beat does every minute
            done = wait_for(lambda: _state(job.pk).is_finished and _state(job.pk), 90)
            assert done, log_of(second)
        assert done.state == JobState.DONE, log_of(second)
    assert done.attempts == 2
    assert done.claim != claim
    assert done.file
    assert done.pages >= 2


def test_a_report_asked_for_while_redis_is_down_is_kept_and_done_when_it_is_back(
    client, portfolio, city_director
):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    with broker(url) as queue:
        with private_redis(port):
            pass  # started and stopped: nothing listens on the port now
        started = time.monotonic()
        job = _ask(client, city_director, portfolio)
        assert time.monotonic() - started < 5, "a broker that is down must not hang the request"
        kept = _state(job.pk)
        assert (kept.state, kept.sent_at, kept.send_attempts) == (JobState.QUEUED, None, 1)
        page = client.get(f"/reports/{job.pk}/").content.decode()
        assert "Väntar på kön." in page
        assert "hx-trigger" in page
        with private_redis(port), worker(url, queue) as w:
            # The sweep leaves a request's own hand-over half a minute; this one is older.
            ReportJob.objects.filter(pk=job.pk).update(
                created_at=timezone.now() - timezone.timedelta(minutes=2)
            )
            assert report_jobs_sweep()["sent"] == 1
            done = wait_for(lambda: _state(job.pk).is_finished and _state(job.pk), 90)
            assert done, log_of(w)
        assert done.state == JobState.DONE, log_of(w)
    assert done.attempts == 1
    assert done.send_attempts == 2
    assert done.send_error == ""

"""Report jobs from the request to the stored PDF, losing nothing on the way.

- ``report_request`` stores the job and hands it to the broker after the commit, with a short
  connect timeout: a broker that is down leaves the job queued and never sent, and the request
  returns at once. The person's unfinished job with the same parameters is returned instead of a
  second one.
- ``report_job_run`` (the task) claims the job with a conditional update and a lease: only a
  queued job, or a running one whose lease ran out, can be claimed, so two workers never render
  one job at once. A heartbeat renews the lease while WeasyPrint works; a worker that loses its
  lease stops and keeps nothing.
- ``report_jobs_sweep`` (every minute) queues again what a dead worker held and sends what the
  broker never got.
- ``report_job_retry`` queues a failed job again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.locks import advisory_lock
from reports.models import CASE_KINDS, JobState, ReportJob, ReportKind, Stage

logger = logging.getLogger(__name__)

# A running job whose lease has run out this many times is given up.
MAX_ATTEMPTS = 3
# A queued job that reached the broker but was not taken this long is sent again (a message
# lost with a broker's restart; a duplicate is harmless: only one claim succeeds).
RESEND_AFTER = dt.timedelta(minutes=10)
# A job asked for this recently is left to the request's own hand-over.
GRACE = dt.timedelta(seconds=30)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REPORT_LEASE_SECONDS)


# --- Asking -----------------------------------------------------------------------------------


def report_request(
    *, actor, kind: str, fund, value_date: dt.date, case=None, parameters: dict | None = None
) -> tuple[ReportJob, bool]:
    """Ask for a report (of one ``case``, a registration number, for the kinds about a case).
    Returns the job and whether it is new (False: the same person's unfinished job with these
    parameters). The caller has checked that ``actor`` may read everything in the report."""
    if (kind in CASE_KINDS) != (case is not None):
        raise ValueError(f"A {kind} report is about {'one case' if case is None else 'a fund'}.")
    today = timezone.localdate()
    if kind == ReportKind.YEARLY:
        _check_year(fund, (parameters or {}).get("year"), today)
    if value_date > today:
        raise DomainError(
            _("The value date cannot be later than today (%(today)s).")
            % {"today": f"{today:%Y-%m-%d}"},
            field="value_date",
        )
    if fund.started_on and value_date < fund.started_on:
        raise DomainError(
            _("The fund started on %(date)s; choose that day or later.")
            % {"date": f"{fund.started_on:%Y-%m-%d}"},
            field="value_date",
        )
    with transaction.atomic():
        # One person's requests queue here, so five quick clicks make one job.
        advisory_lock(f"report-request-{actor.pk}")
        existing = (
            ReportJob.objects.unfinished()
            .filter(
                requester=actor,
                kind=kind,
                fund=fund,
                value_date=value_date,
                case=case,
                parameters=parameters or {},
            )
            .first()
        )
        if existing is not None:
            return existing, False
        job = ReportJob.objects.create(
            kind=kind,
            fund=fund,
            value_date=value_date,
            requester=actor,
            case=case,
            parameters=parameters or {},
        )
        transaction.on_commit(lambda: report_job_send(job.pk))
    return job, True


def _check_year(fund, year, today: dt.date) -> None:
    """A yearly report covers a year from the fund's start to this one."""
    first = fund.started_on.year if fund.started_on else today.year
    if not isinstance(year, int) or not first <= year <= today.year:
        raise DomainError(
            _("Choose a year from %(first)s to %(last)s.") % {"first": first, "last": today.year},
            field="year",
        )


def report_job_retry(*, actor, job: ReportJob) -> ReportJob:
    """Queue a failed job again (the same parameters; the error is kept until it runs)."""
    with transaction.atomic():
        updated = ReportJob.objects.filter(pk=job.pk, state=JobState.FAILED).update(
            state=JobState.QUEUED,
            stage=Stage.WAITING,
            progress=0,
            attempts=0,
            sent_at=None,
            claim=None,
            claimed_until=None,
        )
        if not updated:
            raise DomainError(_("Only a report that failed can be tried again."))
        transaction.on_commit(lambda: report_job_send(job.pk))
    job.refresh_from_db()
    return job


def report_job_send(job_id: int) -> bool:
    """Hand the job to the broker. Never raises: a broker that cannot be reached leaves the
    job unsent, for the sweep."""
    from reports.tasks import render_report

    ReportJob.objects.filter(pk=job_id).update(send_attempts=F("send_attempts") + 1)
    try:
        render_report.apply_async((job_id,), retry=False)
    except Exception as error:
        logger.warning("Report job %s not sent (the broker): %s", job_id, error)
        ReportJob.objects.filter(pk=job_id, sent_at__isnull=True).update(
            send_error=str(error)[:500]
        )
        return False
    ReportJob.objects.filter(pk=job_id).update(sent_at=timezone.now(), send_error="")
    return True


# --- Running ----------------------------------------------------------------------------------


class LeaseLost(Exception):
    """Another worker holds the job now (this one was too slow or presumed dead)."""


def report_job_claim(job_id: int) -> uuid.UUID | None:
    """Take the job if it is queued, or running under a lease that has run out. Returns the
    claim, or None when the job is not to be taken (done, failed, or held by another)."""
    now = timezone.now()
    claim = uuid.uuid4()
    taken = ReportJob.objects.filter(
        Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, claimed_until__lt=now),
        pk=job_id,
        attempts__lt=MAX_ATTEMPTS,
    ).update(
        state=JobState.RUNNING,
        stage=Stage.READING,
        progress=5,
        claim=claim,
        claimed_until=now + lease(),
        attempts=F("attempts") + 1,
        started_at=now,
        error="",
    )
    return claim if taken else None


def _renew(job_id: int, claim: uuid.UUID, **fields) -> None:
    held = ReportJob.objects.filter(pk=job_id, claim=claim, state=JobState.RUNNING).update(
        claimed_until=timezone.now() + lease(), **fields
    )
    if not held:
        raise LeaseLost(job_id)


@contextmanager
def _heartbeat(job_id: int, claim: uuid.UUID):
    """Renew the lease every third of it while the body runs (WeasyPrint's layout is one long
    call). The thread has its own database connection: a failed renewal (the database away for
    a moment) closes it and tries again at the next beat; once the lease has run out without a
    renewal, or another worker holds the job, ``lost`` is set and the render stops at its next
    step. The thread closes its connection when it ends."""
    stop = threading.Event()
    lost = threading.Event()
    every = settings.REPORT_LEASE_SECONDS / 3

    def beat():
        held_until = time.monotonic() + settings.REPORT_LEASE_SECONDS
        try:
            while not stop.wait(every):
                try:
                    _renew(job_id, claim)
                except LeaseLost:
                    lost.set()
                    return
                except DatabaseError:
                    logger.warning("Report job %s: lease not renewed, trying again", job_id)
                    connection.close()
                    if time.monotonic() >= held_until:
                        lost.set()
                        return
                else:
                    held_until = time.monotonic() + settings.REPORT_LEASE_SECONDS
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"report-{job_id}-lease", daemon=True)
    thread.start()
    try:
        yield lost
    finally:
        stop.set()
        thread.join()


def _step(job_id: int, claim: uuid.UUID, lost: threading.Event, **fields) -> None:
    """Record a step (and renew the lease); stop if the lease is gone."""
    if lost.is_set():
        raise LeaseLost(job_id)
    _renew(job_id, claim, **fields)


def _pause_for_tests() -> None:
    # Fault tests kill the worker in the middle of a render; the pause gives them a moment
    # inside it. 0 everywhere else.
    if settings.REPORT_PAUSE_SECONDS:
        time.sleep(settings.REPORT_PAUSE_SECONDS)


def report_job_run(job_id: int) -> bool:
    """Render one job (the task's body). Returns False when there was nothing to do."""
    from reports.documents import DOCUMENTS
    from reports.render import html_to_pdf

    claim = report_job_claim(job_id)
    if claim is None:
        return False
    job = ReportJob.objects.select_related("fund", "requester", "case").get(pk=job_id)
    started = time.monotonic()
    try:
        with _heartbeat(job_id, claim) as lost, translation.override("sv"):
            _pause_for_tests()
            document = DOCUMENTS[job.kind]
            context = document.context(job, timezone.now())
            html = render_to_string(document.template, context)
            _step(job_id, claim, lost, stage=Stage.LAYOUT, progress=30)
            pdf = html_to_pdf(
                html,
                texts=context["running"],
                laid_out=lambda pages: _step(job_id, claim, lost, stage=Stage.WRITING, progress=80),
            )
            _step(job_id, claim, lost, stage=Stage.SAVING, progress=95)
            return _store(job, claim, pdf, time.monotonic() - started)
    except LeaseLost:
        logger.warning("Report job %s: lease lost, another worker has it", job_id)
        return False
    except Exception as error:
        logger.exception("Report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id, claim=claim, state=JobState.RUNNING).update(
            state=JobState.FAILED,
            error=_("The report could not be produced: %(error)s")
            % {"error": str(error)[:300] or type(error).__name__},
            finished_at=timezone.now(),
            claimed_until=None,
        )
        return False


def _store(job: ReportJob, claim: uuid.UUID, pdf, seconds: float) -> bool:
    """Save the file and mark the job done, if this worker still holds it; otherwise (or if
    marking it fails) the saved file is removed again."""
    storage = job.file.storage
    stored = storage.save(
        job.file.field.generate_filename(job, job.file_name), ContentFile(pdf.content)
    )
    try:
        done = ReportJob.objects.filter(pk=job.pk, claim=claim, state=JobState.RUNNING).update(
            state=JobState.DONE,
            stage="",
            progress=100,
            file=stored,
            checksum=hashlib.sha256(pdf.content).hexdigest(),
            size=len(pdf.content),
            pages=pdf.pages,
            render_seconds=round(seconds, 3),
            finished_at=timezone.now(),
            claimed_until=None,
        )
    except Exception:
        storage.delete(stored)
        raise
    if not done:
        storage.delete(stored)  # the lease was lost while saving: the other worker wins
        raise LeaseLost(job.pk)
    return True


# --- Sweeping ---------------------------------------------------------------------------------


def report_jobs_sweep() -> dict[str, int]:
    """Queue again what a dead worker held (or give it up after ``MAX_ATTEMPTS``), and send
    what never reached the broker. Safe to run anywhere, any number of times at once."""
    now = timezone.now()
    expired = ReportJob.objects.filter(state=JobState.RUNNING, claimed_until__lt=now)
    given_up = expired.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=JobState.FAILED,
        error=_(
            "The report was interrupted %(count)s times (the worker producing it stopped). "
            "Try again; if it happens again, tell the fund's administrators."
        )
        % {"count": MAX_ATTEMPTS},
        finished_at=now,
        claimed_until=None,
    )
    requeued = [
        pk
        for pk in expired.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)
        # Each one by a conditional update: of two sweeps at once, one requeues it.
        if ReportJob.objects.filter(pk=pk, state=JobState.RUNNING, claimed_until__lt=now).update(
            state=JobState.QUEUED, stage=Stage.WAITING, claim=None, claimed_until=None, sent_at=None
        )
    ]
    unsent = list(
        ReportJob.objects.filter(state=JobState.QUEUED, created_at__lt=now - GRACE)
        .filter(Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_AFTER))
        .exclude(pk__in=requeued)
        .values_list("pk", flat=True)[:200]
    )
    # Requeued jobs go at once, whatever their age; a fresh request is left its own hand-over.
    to_send = [*requeued, *unsent]
    sent = sum(report_job_send(pk) for pk in to_send)
    return {
        "given_up": given_up,
        "requeued": len(requeued),
        "sent": sent,
        "unsent": len(to_send) - sent,
    }

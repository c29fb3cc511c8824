"""Thin tasks of the reports app: the job's primary key in, one service called."""

from celery import shared_task

from reports.services import report_job_run, report_jobs_sweep


@shared_task(acks_late=True, ignore_result=True)
def render_report(job_id: int) -> bool:
    return report_job_run(job_id)


@shared_task(ignore_result=True)
def sweep_report_jobs() -> dict:
    """Every minute: queue again what a stopped worker held; send what never reached Redis."""
    return report_jobs_sweep()

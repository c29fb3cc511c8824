"""Writes of the reports app: report jobs (``jobs``)."""

from reports.services.jobs import (
    report_job_retry,
    report_job_run,
    report_jobs_sweep,
    report_request,
)

__all__ = ["report_job_retry", "report_job_run", "report_jobs_sweep", "report_request"]

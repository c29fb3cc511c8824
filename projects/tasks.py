"""Thin tasks of the projects app."""

from celery import shared_task

from projects.services import progress_reminders_send, progress_reports_create_due


@shared_task
def progress_reports_daily() -> tuple[int, int]:
    """Daily: create the reports of periods that have ended, then send the reminders due today
    (each once, however often or concurrently this runs)."""
    return progress_reports_create_due(), progress_reminders_send()

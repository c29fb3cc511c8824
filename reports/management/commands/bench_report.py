"""Time one report on this database: the portfolio, or with ``--investment`` the investment
report of the fund's project with the most ledger entries; produced in this process as a worker
would (the job service, WeasyPrint), then its render time, pages, size and the process's peak
memory."""

import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from core.models import Fund, LedgerEntry
from core.selectors import fund_administrators
from projects.models import Project
from reports.models import JobState, ReportJob, ReportKind
from reports.services import report_job_run


class Command(BaseCommand):
    help = "Produce one report in this process and print its time and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--fund", type=int, help="the fund's id (default: the first fund)")
        parser.add_argument(
            "--investment",
            action="store_true",
            help="the investment report of the project with the most ledger entries",
        )

    def handle(self, *args, **options):
        fund = Fund.objects.filter(pk=options["fund"]) if options["fund"] else Fund.objects
        fund = fund.order_by("pk").first()
        if fund is None:
            raise CommandError("No fund here.")
        reader = fund_administrators().order_by("pk").first()
        if reader is None:
            raise CommandError("No fund administrator here to ask for the report.")
        case = None
        if options["investment"]:
            project = (
                Project.objects.filter(registration__fund=fund)
                .annotate(entries=Count("registration__ledger_entries"))
                .order_by("-entries", "pk")
                .first()
            )
            if project is None:
                raise CommandError("No project in this fund.")
            case = project.registration
        job = ReportJob.objects.create(
            kind=ReportKind.INVESTMENT if case else ReportKind.PORTFOLIO,
            fund=fund,
            case=case,
            value_date=timezone.localdate(),
            requester=reader,
        )
        # A worker loads WeasyPrint and lays out a small report when it starts
        # (fondadmin.celery, reports.render.warm); so does this process.
        loading = time.monotonic()
        from reports.render import warm

        warm()

        loaded = time.monotonic() - loading
        started = time.monotonic()
        report_job_run(job.pk)
        wall = time.monotonic() - started
        job.refresh_from_db()
        if job.state != JobState.DONE:
            raise CommandError(f"The report failed: {job.error}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{fund.name}{f' {case}' if case else ''}: "
            f"{LedgerEntry.objects.filter(fund=fund, **({'case': case} if case else {})).count():,}"
            " ledger entries; "
            f"report {job.pages} pages, {job.size / 1024:.0f} kB, "
            f"render {job.render_seconds:.2f} s (wall {wall:.2f} s; loading WeasyPrint "
            f"before it {loaded:.2f} s), peak RSS {peak:.0f} MB; "
            f"{job.file.path}"
        )

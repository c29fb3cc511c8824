"""Reports: ask for one, follow it while a worker produces it, download it, try again."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent, paginate
from core.middleware import keeps_form
from reports import access, services
from reports.documents.yearly import value_date_of
from reports.forms import PortfolioForm, YearlyForm
from reports.models import JobState, ReportKind


@keeps_form
@idempotent
def report_list(request):
    if not access.can_list_reports(request.user):
        raise Http404
    asks = access.can_ask_for_reports(request.user)
    if request.method == "POST" and not asks:
        raise Http404
    data = bound_or_restored(request)
    # Two forms on the page: the yearly report's fields carry its prefix.
    yearly_sent = data is not None and f"{YearlyForm.prefix_name}-year" in data
    form = PortfolioForm(None if yearly_sent else data) if asks else None
    yearly = YearlyForm(data if yearly_sent else None) if asks else None
    if request.method == "POST":
        sent = yearly if yearly_sent else form
        if sent.is_valid():
            try:
                job, new = services.report_request(actor=request.user, **_asked(sent))
            except DomainError as error:
                add_domain_error(sent, error)
            else:
                return _to_job(request, job, new)
    page, query = paginate(request, access.readable_jobs(request.user))
    return render(
        request,
        "reports/list.html",
        {"form": form, "yearly": yearly, "page": page, "query": query},
    )


def _asked(form) -> dict:
    """What a valid form on the reports page asks for."""
    fund = form.cleaned_data["fund"]
    if isinstance(form, YearlyForm):
        year = form.cleaned_data["year"]
        return {
            "kind": ReportKind.YEARLY,
            "fund": fund,
            "value_date": value_date_of(year, timezone.localdate()),
            "parameters": {"year": year},
        }
    return {
        "kind": ReportKind.PORTFOLIO,
        "fund": fund,
        "value_date": form.cleaned_data["value_date"],
    }


def _ask_from(request, back: str, **asked):
    """Ask for a report from a page's button: to the job page, or back to the page with the
    reason when the request is refused."""
    try:
        job, new = services.report_request(actor=request.user, **asked)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    return _to_job(request, job, new)


def _to_job(request, job, new: bool):
    if not new:
        messages.info(request, _("You have already asked for this report; it is being produced."))
    return redirect("reports:detail", pk=job.pk)


@require_POST
@idempotent
def report_investment(request, project_pk):
    """Ask for a project's investment report (from the project's page), as of today."""
    project = access.investment_project_for(request.user, project_pk)
    return _ask_from(
        request,
        reverse("projects:detail", args=[project.pk]),
        kind=ReportKind.INVESTMENT,
        fund=project.registration.fund,
        value_date=timezone.localdate(),
        case=project.registration,
    )


@require_POST
@idempotent
def report_reclaim_decision(request, project_pk, version_pk):
    """Ask for a decided plan version's reclaim decision as a document (from the plan page)."""
    project, version = access.decided_version_for(request.user, project_pk, version_pk)
    return _ask_from(
        request,
        reverse("reclaim:plan", args=[project.pk]),
        kind=ReportKind.RECLAIM_DECISION,
        fund=project.registration.fund,
        value_date=timezone.localdate(version.decided_at),
        case=project.registration,
        parameters={"version": version.pk, "version_number": version.number},
    )


@require_POST
@idempotent
def report_board_proposal(request, proposal_pk):
    """Ask for a proposal to the board as a document (from the proposal's page), as of today."""
    proposal = access.proposal_for(request.user, proposal_pk)
    return _ask_from(
        request,
        reverse("proposals:detail", args=[proposal.pk]),
        kind=ReportKind.BOARD_PROPOSAL,
        fund=proposal.call.fund,
        value_date=timezone.localdate(),
        parameters={"proposal": proposal.pk},
    )


def report_detail(request, pk):
    job = access.get_job_for(request.user, pk)
    return render(request, "reports/detail.html", {"job": job, **_tokens(job)})


def _tokens(job) -> dict:
    """What the page last showed: ``heard``, what its live region said (state and step),
    ``seen``, what it drew (with the progress)."""
    heard = f"{job.state}.{job.stage}.{int(job.waits_for_broker)}"
    return {"heard": heard, "seen": f"{heard}.{job.progress}"}


def report_status(request, pk):
    """The job's state as a fragment: the job page polls it (htmx) until the job is finished.
    Nothing (204: htmx swaps nothing) while nothing changed; the live region's words only
    when the state or step changed, so a screen reader hears each change once."""
    job = access.get_job_for(request.user, pk)
    tokens = _tokens(job)
    if request.GET.get("seen") == tokens["seen"]:
        return HttpResponse(status=204)
    return render(
        request,
        "reports/detail.html#status",
        {"job": job, **tokens, "announce": request.GET.get("heard") != tokens["heard"]},
    )


def report_download(request, pk):
    job = access.get_job_for(request.user, pk)
    if not job.file or job.state != JobState.DONE or not job.file.storage.exists(job.file.name):
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type="application/pdf",
    )


@require_POST
def report_retry(request, pk):
    job = access.get_job_for(request.user, pk)
    try:
        services.report_job_retry(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report has been queued again."))
    return redirect("reports:detail", pk=job.pk)

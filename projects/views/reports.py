"""Progress reports: read, written and submitted by the project manager or deputy, reviewed or
returned by the fund administrators and the city director; their attachments and comments."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import ReasonForm, bound_or_restored
from core.http import (
    add_domain_error,
    comment_page,
    comment_withdraw_page,
    file_download,
    idempotent,
    upload_page,
)
from core.middleware import keeps_form
from core.models import Comment
from projects import access, services
from projects.forms import ConfirmForm, ReportForm
from projects.models import ReportAttachment
from projects.selectors.pages import report_form_context, report_page
from projects.states import REPORT


def _url(report) -> str:
    return reverse("projects:report", args=[report.project_id, report.pk])


def report_detail(request, pk: int, report_pk: int):
    report = access.get_report_for(request.user, pk, report_pk)
    return render(request, "projects/report_detail.html", report_page(request.user, report))


@keeps_form
def report_edit(request, pk: int, report_pk: int):
    report = access.get_report_for(request.user, pk, report_pk, may=access.can_report)
    if not REPORT.is_editable(report):
        messages.error(
            request, _("The progress report has been submitted and cannot be changed now.")
        )
        return redirect(_url(report))
    context = report_form_context(report)
    initial = {
        "narrative": report.narrative,
        "deviations": report.deviations,
        "risks": report.risks,
    }
    initial |= {f"spend_{row.recipient_id}": row.amount for row in report.spend.all()}
    initial |= {f"value_{row.indicator_id}": row.value for row in report.values.all()}
    form = ReportForm(bound_or_restored(request), initial=initial, **context)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_update(
                actor=request.user,
                report=report,
                narrative=form.cleaned_data["narrative"],
                deviations=form.cleaned_data["deviations"],
                risks=form.cleaned_data["risks"],
                spend=form.spend(),
                values=form.values(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The progress report has been saved."))
            return redirect(_url(report))
    return render(
        request,
        "projects/report_form.html",
        {"report": report, "project": report.project, "form": form, **context},
    )


@idempotent
def report_submit(request, pk: int, report_pk: int):
    report = access.get_report_for(request.user, pk, report_pk, may=access.can_report)
    return _report_action(
        request,
        report,
        action=lambda: services.progress_report_submit(actor=request.user, report=report),
        title=_("Submit the progress report"),
        lead=_(
            "The report goes to the city director and the fund administrators. It cannot be "
            "changed afterwards unless it is returned for completion."
        ),
        button=_("Submit the report"),
        success=_("The progress report has been submitted."),
    )


@idempotent
def report_review(request, pk: int, report_pk: int):
    report = access.get_report_for(
        request.user, pk, report_pk, may=lambda user, _p: access.can_review_reports(user)
    )
    return _report_action(
        request,
        report,
        action=lambda: services.progress_report_review(actor=request.user, report=report),
        title=_("Mark the progress report reviewed"),
        lead=_("Comments, if any, go in the report's thread."),
        button=_("Mark reviewed"),
        success=_("The progress report is marked reviewed."),
    )


def _report_action(request, report, *, action, title, lead, button, success):
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action()
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(_url(report))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": title,
            "lead": lead,
            "button": button,
            "back_href": _url(report),
            "back_label": _("Progress report for the period ending %(date)s")
            % {"date": report.period_end.isoformat()},
        },
    )


@keeps_form
@idempotent
def report_return(request, pk: int, report_pk: int):
    report = access.get_report_for(
        request.user, pk, report_pk, may=lambda user, _p: access.can_review_reports(user)
    )
    form = ReasonForm(
        bound_or_restored(request),
        label=_("What the report must complete"),
        message=_("Say what the report must complete."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_return(
                actor=request.user, report=report, message=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The progress report has been returned for completion."))
            return redirect(_url(report))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Return the progress report for completion"),
            "button": _("Return for completion"),
            "back_href": _url(report),
            "back_label": _("Progress report"),
        },
    )


@idempotent
def report_attachment_add(request, pk: int, report_pk: int):
    report = access.get_report_for(request.user, pk, report_pk, may=access.can_report)
    return upload_page(
        request,
        upload=lambda **file: services.report_attachment_add(
            actor=request.user, report=report, **file
        ),
        title=_("Attach a file to the progress report"),
        success=_("The attachment has been added."),
        back_href=_url(report),
        back_label=_("Progress report"),
    )


def _attachment(request, pk, report_pk, attachment_pk, **kwargs):
    report = access.get_report_for(request.user, pk, report_pk, **kwargs)
    attachment = ReportAttachment.objects.filter(report=report, pk=attachment_pk).first()
    if attachment is None or attachment.removed_at is not None:
        raise Http404
    attachment.report = report
    return attachment


def report_attachment_download(request, pk: int, report_pk: int, attachment_pk: int):
    return file_download(_attachment(request, pk, report_pk, attachment_pk))


@require_POST
def report_attachment_remove(request, pk: int, report_pk: int, attachment_pk: int):
    attachment = _attachment(request, pk, report_pk, attachment_pk, may=access.can_report)
    try:
        services.report_attachment_remove(actor=request.user, attachment=attachment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(title)s has been removed.") % {"title": attachment.title})
    return redirect(_url(attachment.report))


def _may_comment_on_report(user, project) -> bool:
    return access.can_report(user, project) or access.can_review_reports(user)


@require_POST
@idempotent
def report_comment(request, pk: int, report_pk: int):
    report = access.get_report_for(request.user, pk, report_pk, may=_may_comment_on_report)
    _may, organisation = access.comment_organisation(request.user, report.project)
    return comment_page(
        request,
        target=report,
        organisation=organisation,
        back_href=_url(report),
        back_label=_("Progress report"),
    )


@require_POST
def report_comment_withdraw(request, pk: int, report_pk: int, comment_pk: int):
    report = access.get_report_for(request.user, pk, report_pk)
    comment = Comment.objects.on(report).filter(pk=comment_pk).first()
    if comment is None:
        raise Http404
    return comment_withdraw_page(request, comment=comment, back_href=_url(report))

"""The evaluation: read by everyone who may see the project (a benefiting organisation the rows
about it), written by a fund administrator or the project's evaluator, commented on by the
benefiting organisations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import (
    add_domain_error,
    comment_page,
    comment_withdraw_page,
    file_download,
    form_error_list,
    idempotent,
    upload_page,
)
from core.middleware import keeps_form
from core.models import Comment
from projects import access, services
from projects.forms import (
    ConfirmForm,
    EvaluationForm,
    MeasuredSavingForm,
    city_organisations,
    formset_rows,
    row_formset,
)
from projects.models import Evaluation, EvaluationAttachment
from projects.selectors.pages import evaluation_page
from projects.states import EVALUATION


def _url(project) -> str:
    return reverse("projects:evaluation", args=[project.pk])


def evaluation_detail(request, pk: int):
    project = access.get_project_for(request.user, pk)
    return render(
        request, "projects/evaluation_detail.html", evaluation_page(request.user, project)
    )


@keeps_form
def evaluation_edit(request, pk: int):
    project = access.get_project_for(request.user, pk, full=True, may=access.can_evaluate)
    evaluation = Evaluation.objects.filter(project=project).first()
    if evaluation is not None and not EVALUATION.is_editable(evaluation):
        messages.error(request, _("The evaluation is completed and can no longer be changed."))
        return redirect(_url(project))
    data = bound_or_restored(request)
    fields = ("design", "design_text", "results", "observed_effects", "counterfactual")
    initial = {name: getattr(evaluation, name) for name in fields} if evaluation else {}
    if evaluation is not None and evaluation.economic_effects is not None:
        initial["economic_effects"] = "yes" if evaluation.economic_effects else "no"
    form = EvaluationForm(data, initial=initial)
    rows = list(evaluation.savings.all()) if evaluation else []
    savings = row_formset(
        MeasuredSavingForm,
        data,
        prefix="savings",
        initial=[
            {
                "organisation": row.organisation_id,
                "year": row.year,
                "amount": row.amount,
                "evidence": row.evidence,
            }
            for row in rows
        ],
        organisations=city_organisations(row.organisation_id for row in rows),
        extra=3,
    )
    tables = [("savings", _("Measured cost reductions"), savings)]
    posted = data is not None and request.method == "POST"
    if posted and form.is_valid() and savings.is_valid():
        values = dict(form.cleaned_data)
        try:
            services.evaluation_update(
                actor=request.user,
                project=project,
                savings=[
                    (row["organisation"].pk, row["year"], row["amount"], row["evidence"])
                    for row in formset_rows(savings)
                ],
                **values,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The evaluation has been saved."))
            return redirect(_url(project))
    return render(
        request,
        "projects/evaluation_form.html",
        {
            "project": project,
            "form": form,
            "tables": tables,
            "error_list": form_error_list(form, tables) if posted else [],
        },
    )


@idempotent
def evaluation_complete(request, pk: int):
    project = access.get_project_for(request.user, pk, full=True, may=access.can_evaluate)
    evaluation = Evaluation.objects.filter(project=project).first()
    if evaluation is None:
        raise Http404
    evaluation.project = project
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_complete(actor=request.user, evaluation=evaluation)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The evaluation is completed; the benefiting organisations have been told."),
            )
            return redirect(_url(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Complete the evaluation of %(title)s") % {"title": project.title},
            "lead": _(
                "The project becomes evaluated and the reclaim plan can be drafted from the "
                "measured reductions. The evaluation cannot be changed afterwards."
            ),
            "button": _("Complete the evaluation"),
            "back_href": _url(project),
            "back_label": _("Evaluation"),
        },
    )


@idempotent
def evaluation_attachment_add(request, pk: int):
    project = access.get_project_for(request.user, pk, full=True, may=access.can_evaluate)
    evaluation = Evaluation.objects.filter(project=project).first()
    if evaluation is None:
        messages.info(request, _("Save the evaluation once before attaching files."))
        return redirect(_url(project))
    evaluation.project = project
    return upload_page(
        request,
        upload=lambda **file: services.evaluation_attachment_add(
            actor=request.user, evaluation=evaluation, **file
        ),
        title=_("Attach a file to the evaluation"),
        success=_("The attachment has been added."),
        back_href=_url(project),
        back_label=_("Evaluation"),
    )


def evaluation_attachment_download(request, pk: int, attachment_pk: int):
    project = access.get_project_for(request.user, pk)
    attachment = EvaluationAttachment.objects.filter(
        evaluation__project=project, pk=attachment_pk, removed_at__isnull=True
    ).first()
    if attachment is None:
        raise Http404
    return file_download(attachment)


@require_POST
@idempotent
def evaluation_comment(request, pk: int):
    project = access.get_project_for(request.user, pk)
    evaluation = Evaluation.objects.filter(project=project, state="completed").first()
    about = access.evaluation_comment_about(request.user, project)
    if evaluation is None or not about:
        raise PermissionDenied
    organisation = None if access.can_manage_projects(request.user) else about[0]
    return comment_page(
        request,
        target=evaluation,
        organisation=organisation,
        about=about,
        back_href=_url(project),
        back_label=_("Evaluation"),
    )


@require_POST
def evaluation_comment_withdraw(request, pk: int, comment_pk: int):
    project = access.get_project_for(request.user, pk)
    evaluation = Evaluation.objects.filter(project=project).first()
    comment = Comment.objects.on(evaluation).filter(pk=comment_pk).first() if evaluation else None
    if comment is None:
        raise Http404
    return comment_withdraw_page(request, comment=comment, back_href=_url(project))

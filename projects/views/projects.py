"""The project list and page, its state changes and the board's conditions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import exports
from core.errors import DomainError
from core.forms import ReasonForm, bound_or_restored
from core.http import add_domain_error, idempotent, paginate
from core.ids import parse_id
from core.middleware import keeps_form
from projects import access, services
from projects.forms import ConfirmForm, NoteForm, ProjectFilterForm
from projects.models import Project
from projects.selectors.pages import project_page, summary_page
from projects.selectors.versions import compare_versions


def project_columns() -> list[exports.Column]:
    """The project list as a file: the list's columns."""
    return [
        exports.Column(_("Registration number"), lambda p: p.registration),
        exports.Column(_("Title"), lambda p: p.title),
        exports.Column(_("Lead owner"), lambda p: p.owner.name),
        exports.Column(_("Granted amount"), lambda p: p.granted_amount, exports.NUMBER),
        exports.Column(_("Investment phase starts"), lambda p: p.starts_on, exports.DATE),
        exports.Column(_("Investment phase ends"), lambda p: p.ends_on, exports.DATE),
        exports.Column(_("State"), lambda p: p.get_state_display()),
    ]


def project_list(request):
    if not access.can_list_projects(request.user):
        raise PermissionDenied
    form = ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = (
        Project.objects.visible_to(request.user)
        .matching(
            search=filters.get("q", ""),
            state=filters.get("state", ""),
            organisation=filters.get("organisation"),
        )
        .for_list()
    )
    if exports.wanted(request):
        return exports.export_response(request, "projekt", project_columns(), projects)
    page, query = paginate(request, projects)
    return render(
        request, "projects/project_list.html", {"page": page, "query": query, "form": form}
    )


def project_detail(request, pk: int):
    project = access.get_project_for(request.user, pk)
    if access.view_of(request.user, project) != access.FULL:
        return render(request, "projects/project_summary.html", summary_page(request.user, project))
    return render(request, "projects/project_detail.html", project_page(request.user, project))


def _back(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _confirm(request, project, *, action, title, lead, button, success, danger=False):
    """A confirmation page whose POST does ``action()``; a refusal is shown on the page."""
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action()
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": title,
            "lead": lead,
            "button": button,
            "danger": danger,
            "back_href": _back(project),
            "back_label": project.title,
        },
    )


def _manage(request, pk):
    return access.get_project_for(
        request.user, pk, full=True, may=lambda user, _p: access.can_manage_projects(user)
    )


@idempotent
def project_activate(request, pk: int):
    project = _manage(request, pk)
    return _confirm(
        request,
        project,
        action=lambda: services.project_activate(actor=request.user, project=project),
        title=_("Start %(title)s") % {"title": project.title},
        lead=_(
            "The board's conditions are met. Once started the project can be paid and owes "
            "progress reports for each period of its investment phase."
        ),
        button=_("Start the project"),
        success=_("The project has started."),
    )


@idempotent
def project_resume(request, pk: int):
    project = _manage(request, pk)
    return _confirm(
        request,
        project,
        action=lambda: services.project_resume(actor=request.user, project=project),
        title=_("Resume %(title)s") % {"title": project.title},
        lead=_("The project becomes active again and can be paid."),
        button=_("Resume the project"),
        success=_("The project has been resumed."),
    )


@idempotent
def project_phase_end(request, pk: int):
    project = _manage(request, pk)
    return _confirm(
        request,
        project,
        action=lambda: services.project_phase_end(actor=request.user, project=project),
        title=_("End the investment phase of %(title)s") % {"title": project.title},
        lead=_(
            "The evaluation comes next. Payments for the last year can still be made, and what "
            "will not be paid can be released."
        ),
        button=_("Mark the investment phase ended"),
        success=_("The investment phase has ended."),
    )


def _reason_page(request, project, *, action, title, label, message, button, success):
    form = ReasonForm(bound_or_restored(request), label=label, message=message)
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": title,
            "button": button,
            "danger": True,
            "back_href": _back(project),
            "back_label": project.title,
        },
    )


@keeps_form
@idempotent
def project_pause(request, pk: int):
    project = _manage(request, pk)
    return _reason_page(
        request,
        project,
        action=lambda reason: services.project_pause(
            actor=request.user, project=project, reason=reason
        ),
        title=_("Pause %(title)s") % {"title": project.title},
        label=_("Why is the project paused?"),
        message=_("Give the reason for pausing the project."),
        button=_("Pause the project"),
        success=_("The project is paused: nothing is paid until it is resumed."),
    )


@keeps_form
@idempotent
def project_cancel(request, pk: int):
    project = _manage(request, pk)
    return _reason_page(
        request,
        project,
        action=lambda reason: services.project_cancel(
            actor=request.user, project=project, reason=reason
        ),
        title=_("Cancel %(title)s") % {"title": project.title},
        label=_("Why is the project cancelled?"),
        message=_("Give the reason for cancelling the project."),
        button=_("Cancel the project for good"),
        success=_("The project is cancelled. Release what is left of the grant."),
    )


@keeps_form
@idempotent
def condition_meet(request, pk: int, condition_pk: int):
    project = _manage(request, pk)
    condition = project.conditions.filter(pk=condition_pk).first()
    if condition is None:
        raise Http404
    form = NoteForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_meet(
                actor=request.user, condition=condition, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The condition is checked off."))
            return redirect(_back(project) + "#conditions")
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Check off a condition"),
            "lead": condition.text,
            "button": _("The condition is met"),
            "back_href": _back(project),
            "back_label": project.title,
        },
    )


def version_compare(request, pk: int):
    project = access.get_project_for(request.user, pk, full=True)
    versions = {v.number: v for v in project.versions.all()}
    if len(versions) < 2:
        messages.info(request, _("The project has only one version so far."))
        return redirect(_back(project))
    numbers = sorted(versions)

    def number(name, default):
        value = parse_id(request.GET.get(name, default))
        return value if value in versions else default

    old, new = number("from", numbers[-2]), number("to", numbers[-1])
    return render(
        request,
        "projects/version_compare.html",
        {
            "project": project,
            "old": versions[old],
            "new": versions[new],
            "numbers": numbers,
            "diff": compare_versions(versions[old], versions[new]),
            "only_changes": request.GET.get("all") != "1",
        },
    )

"""Naming the project's people, and ending an assignment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent
from core.middleware import keeps_form
from projects import access, services
from projects.forms import AssignForm, AssignmentEndForm
from projects.models import AssignmentRole, ProjectAssignment


def _roles(user, project) -> list[str]:
    return [role for role in AssignmentRole.values if access.can_assign(user, project, role)]


@keeps_form
@idempotent
def project_assign(request, pk: int):
    project = access.get_project_for(request.user, pk, full=True, may=access.can_assign)
    roles = _roles(request.user, project)
    if not roles:
        raise PermissionDenied
    form = AssignForm(
        bound_or_restored(request),
        roles=roles,
        people=access.assignable_people(request.user, project),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("idempotency_key", None)
        if not access.can_assign(request.user, project, data["role"]):
            raise PermissionDenied
        try:
            services.project_assign(actor=request.user, project=project, **data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is named %(part)s.")
                % {
                    "name": data["person"].full_name if data["person"] else data["name"],
                    "part": AssignmentRole(data["role"]).label.lower(),
                },
            )
            return redirect(reverse("projects:detail", args=[project.pk]) + "#people")
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Name a person to %(title)s") % {"title": project.title},
            "lead": _(
                "A new project manager, deputy or evaluator takes over from the one named "
                "before, whose assignment ends the day before; the history is kept."
            ),
            "button": _("Name"),
            "back_href": reverse("projects:detail", args=[project.pk]),
            "back_label": project.title,
        },
    )


@keeps_form
@idempotent
def assignment_end(request, pk: int, assignment_pk: int):
    project = access.get_project_for(request.user, pk, full=True)
    assignment = ProjectAssignment.objects.filter(project=project, pk=assignment_pk).first()
    if assignment is None:
        raise Http404
    if not access.can_assign(request.user, project, assignment.role):
        raise PermissionDenied
    form = AssignmentEndForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_assignment_end(
                actor=request.user,
                assignment=assignment,
                valid_until=form.cleaned_data["valid_until"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The assignment ends as you said."))
            return redirect(reverse("projects:detail", args=[project.pk]) + "#people")
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("End the assignment of %(name)s") % {"name": assignment.name},
            "lead": _("%(name)s is %(part)s from %(date)s. The assignment stays on record.")
            % {
                "name": assignment.name,
                "part": assignment.get_role_display().lower(),
                "date": assignment.valid_from.isoformat(),
            },
            "button": _("End the assignment"),
            "danger": True,
            "back_href": reverse("projects:detail", args=[project.pk]),
            "back_label": project.title,
        },
    )

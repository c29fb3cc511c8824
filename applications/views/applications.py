"""Applications: the owner organisation's applicants write, attach and submit; every submitted
version can be read and compared by anyone who may see the case."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, services
from applications.forms.cases import (
    ROW_FORMS,
    ApplicationForm,
    RevisionForm,
    SketchFilterForm,
    SubmitForm,
    row_formsets,
)
from applications.models import (
    Application,
    ApplicationState,
    Call,
)
from applications.models.sketches import split_participants
from applications.selectors.cases import (
    application_page,
    comparison_page,
    problems_on_submit,
    version_numbers,
    version_page,
)
from applications.selectors.reviews import statements_to_share
from applications.states import APPLICATION, application_submit_refusal
from applications.versions import APPLICATION_FIELDS, ROW_TABLES
from core import exports
from core.cases import comment_organisation
from core.errors import DomainError
from core.forms import ReasonForm, bound_or_restored
from core.http import (
    add_domain_error,
    comment_page,
    comment_withdraw_page,
    file_download,
    form_error_list,
    idempotent,
    paginate,
    submit_flags,
    upload_page,
)
from core.ids import parse_id
from core.middleware import keeps_form
from core.models import Comment


def application_columns() -> list[exports.Column]:
    """The application list as a file: the list's columns."""
    return [
        exports.Column(_("Registration number"), lambda a: a.registration),
        exports.Column(_("Title"), lambda a: a.title),
        exports.Column(_("Lead owner"), lambda a: a.owner.name),
        exports.Column(_("Call"), lambda a: a.call.title),
        exports.Column(_("Requested"), lambda a: a.amount_requested, exports.NUMBER),
        exports.Column(_("Version"), lambda a: a.current_version, exports.NUMBER),
        exports.Column(_("State"), lambda a: a.get_state_display()),
    ]


def application_list(request):
    if not access.can_list_cases(request.user):
        raise PermissionDenied
    form = SketchFilterForm(
        request.GET or None,
        calls=Call.objects.visible_to(request.user).order_by("-idea_sketch_deadline"),
        states=ApplicationState.choices,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    applications = (
        Application.objects.visible_to(request.user)
        .matching(
            search=filters.get("q", ""),
            call=filters.get("call"),
            state=filters.get("state", ""),
            organisation=filters.get("organisation"),
        )
        .for_list()
    )
    if exports.wanted(request):
        return exports.export_response(request, "ansokningar", application_columns(), applications)
    page, query = paginate(request, applications)
    return render(
        request,
        "applications/application_list.html",
        {"page": page, "query": query, "form": form},
    )


def application_detail(request, pk: int):
    application = access.get_application_for(request.user, pk)
    return render(
        request,
        "applications/application_detail.html",
        application_page(request.user, application),
    )


def _row_initial(application: Application) -> dict[str, list[dict]]:
    initial = {}
    for name, columns in ROW_TABLES.items():
        rows = []
        for row in getattr(application, name).all():
            values = {"pk": row.pk}
            for column in columns:
                if column in ("organisation", "recipient"):
                    values[column] = getattr(row, f"{column}_id")
                else:
                    values[column] = getattr(row, column)
            rows.append(values)
        initial[name] = rows
    return initial


def _rows_from(formsets) -> dict[str, list[dict]]:
    rows = {}
    for name, formset in formsets.items():
        rows[name] = [
            form.values()
            for form in formset.forms
            if form.has_changed() or form.cleaned_data.get("pk")
            if not form.cleaned_data.get("DELETE") and form.cleaned_data
        ]
    return rows


@keeps_form
def application_edit(request, pk: int):
    application = access.get_application_for(request.user, pk, write=True)
    try:
        APPLICATION.check_editable(application)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("applications:detail", pk=application.pk)
    initial = {name: getattr(application, name) for name in APPLICATION_FIELDS}
    participants = split_participants(application.participants.select_related("organisation"))
    initial["co_owners"] = [o.pk for o in participants["co_owners"]]
    initial["partners"] = [o.pk for o in participants["partners"]]
    data = bound_or_restored(request)
    form = ApplicationForm(data, initial=initial, exclude=application.owner_id)
    formsets = row_formsets(data, initial=_row_initial(application))
    valid = data is not None and request.method == "POST"
    valid = valid and form.is_valid() and all(fs.is_valid() for fs in formsets.values())
    if valid:
        fields = dict(form.cleaned_data)
        try:
            services.application_update(
                actor=request.user, application=application, rows=_rows_from(formsets), **fields
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The application has been saved."))
            if "continue" in request.POST:
                return redirect("applications:edit", pk=application.pk)
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/application_form.html",
        {
            "application": application,
            "form": form,
            "tables": [
                (name, str(title), formsets[name]) for name, (_f, title) in ROW_FORMS.items()
            ],
            "window": application.reclaim_window_estimate(),
            "error_list": form_error_list(
                form, [(name, ROW_FORMS[name][1], formset) for name, formset in formsets.items()]
            )
            if request.method == "POST"
            else [],
        },
    )


@idempotent
def application_submit(request, pk: int):
    application = access.get_application_for(request.user, pk, write=True)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            version = services.application_submit(actor=request.user, application=application)
        except DomainError as refused:
            error = refused.message
        else:
            return redirect(
                reverse("applications:version", args=[application.pk, version.number])
                + "?receipt=1"
            )
    return render(
        request,
        "applications/application_submit.html",
        {
            "application": application,
            "form": form,
            "error": error,
            "problems": problems_on_submit(application),
            "revision": application.state == ApplicationState.REVISION_REQUESTED,
            **submit_flags(application_submit_refusal(application)),
        },
    )


def version_detail(request, pk: int, number: int):
    version = access.get_version_for(request.user, pk, number)
    context = version_page(version)
    context["receipt"] = (
        request.GET.get("receipt") == "1" and version.submitted_by_id == request.user.pk
    )
    return render(request, "applications/version_detail.html", context)


def version_compare(request, pk: int):
    application = access.get_application_for(request.user, pk)
    numbers = version_numbers(application)
    if len(numbers) < 2:
        messages.info(request, _("There is only one submitted version so far."))
        return redirect("applications:detail", pk=application.pk)

    def number(name, default):
        value = parse_id(request.GET.get(name, default))
        return value if value in numbers else default

    context = comparison_page(
        application, number("from", numbers[-2]), number("to", numbers[-1]), numbers
    )
    context["only_changes"] = request.GET.get("all") != "1"
    return render(request, "applications/version_compare.html", context)


@keeps_form
@idempotent
def attachment_add(request, pk: int):
    application = access.get_application_for(request.user, pk, write=True)
    return upload_page(
        request,
        upload=lambda **file: services.application_attachment_add(
            actor=request.user, application=application, **file
        ),
        title=_("Add an attachment to %(title)s") % {"title": application.title},
        success=_("The attachment has been added."),
        back_href=reverse("applications:detail", args=[application.pk]),
        back_label=application.title,
    )


def attachment_download(request, pk: int, attachment_pk: int):
    return file_download(access.get_attachment_for(request.user, pk, attachment_pk))


@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    attachment = access.get_attachment_for(request.user, pk, attachment_pk, write=True)
    try:
        services.application_attachment_remove(actor=request.user, attachment=attachment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(title)s has been removed from the application.") % {"title": attachment.title},
        )
    return redirect("applications:detail", pk=pk)


@keeps_form
@idempotent
def application_request_revision(request, pk: int):
    application = access.get_application_for(request.user, pk, manage=True)
    statements = statements_to_share(application)
    form = RevisionForm(
        bound_or_restored(request),
        statements=[
            (
                statement.pk,
                _("Statement %(number)s on version %(version)s")
                % {"number": number, "version": statement.version},
            )
            for number, statement in enumerate(statements, start=1)
        ],
    )
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data.get("statements") or [])
        try:
            services.application_request_revision(
                actor=request.user,
                application=application,
                message=form.cleaned_data["message"],
                statements=[s for s in statements if s.pk in chosen],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The application has been returned for revision."))
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Return %(title)s for revision") % {"title": application.title},
            "lead": _(
                "The applicant is told by e-mail and sees your message and the statements you "
                "attach, without the reviewers' names. The submitted version stays as it is; "
                "the revision becomes a new version."
            ),
            "button": _("Return for revision"),
            "back_href": reverse("applications:detail", args=[application.pk]),
            "back_label": application.title,
        },
    )


@keeps_form
@idempotent
def application_withdraw(request, pk: int):
    application = access.get_application_for(request.user, pk, write=True)
    form = ReasonForm(bound_or_restored(request), message=_("Give the reason for withdrawing."))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The application has been withdrawn."))
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Withdraw %(title)s") % {"title": application.title},
            "lead": _("A withdrawn application stays on record but cannot be submitted again."),
            "button": _("Withdraw the application"),
            "danger": True,
            "back_href": reverse("applications:detail", args=[application.pk]),
            "back_label": application.title,
        },
    )


@require_POST
@idempotent
def application_comment(request, pk: int):
    case = access.get_application_for(request.user, pk)
    may, organisation = comment_organisation(request.user, case)
    if not may:
        raise PermissionDenied
    return comment_page(
        request,
        target=case,
        organisation=organisation,
        back_href=reverse("applications:detail", args=[case.pk]),
        back_label=case.title,
    )


@require_POST
def application_comment_withdraw(request, pk: int, comment_pk: int):
    case = access.get_application_for(request.user, pk)
    comment = Comment.objects.on(case).filter(pk=comment_pk).first()
    if comment is None:
        raise Http404
    return comment_withdraw_page(
        request, comment=comment, back_href=reverse("applications:detail", args=[case.pk])
    )

"""User management in the app, for fund administrators (auditors read)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access, selectors, services
from core.errors import DomainError
from core.events import activity_log
from core.forms import (
    MembershipAddForm,
    PeriodEndForm,
    ReasonForm,
    RoleAssignForm,
    UserEditForm,
    UserFilterForm,
    UserInviteForm,
    bound_or_restored,
)
from core.http import add_domain_error, idempotent, paginate
from core.middleware import keeps_form
from core.models import Membership, RoleAssignment


def _require_manager(request) -> None:
    if not access.can_manage_users(request.user):
        raise PermissionDenied


def user_list(request):
    if not access.can_read_users(request.user):
        raise PermissionDenied
    filters = UserFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    people = selectors.user_list(
        search=criteria.get("q", ""),
        role=criteria.get("role", ""),
        organisation_id=criteria["organisation"].pk if criteria.get("organisation") else None,
        status=criteria.get("status", ""),
    )
    page, query = paginate(request, people)
    # A filter changed in place (htmx) gets only the results; the address bar follows.
    template = "core/user_list.html#results" if request.htmx else "core/user_list.html"
    return render(
        request,
        template,
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_manage": access.can_manage_users(request.user),
        },
    )


@keeps_form
@idempotent
def user_invite(request):
    _require_manager(request)
    form = UserInviteForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.user_invite(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                language=data["language"],
                organisation=data["organisation"],
                title=data["title"],
                roles=data["roles"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.user.email},
            )
            return redirect("users:detail", pk=invitation.user.pk)
    return render(request, "core/user_invite.html", {"form": form})


def user_detail(request, pk: int):
    person = access.get_user_for(request.user, pk)
    events = activity_log(person)
    return render(
        request,
        "core/user_detail.html",
        {
            "person": person,
            "details": selectors.user_detail(person),
            "events": events,
            "can_manage": access.can_manage_users(request.user),
            "is_self": person.pk == request.user.pk,
            "today": timezone.localdate(),
        },
    )


@keeps_form
def user_edit(request, pk: int):
    person = access.get_user_for(request.user, pk, write=True)
    initial = {
        "full_name": person.full_name,
        "email": person.email,
        "language": person.language,
        "is_staff": person.is_staff,
    }
    form = UserEditForm(bound_or_restored(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=person, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The details have been saved."))
            return redirect("users:detail", pk=person.pk)
    return render(request, "core/user_edit.html", {"form": form, "person": person})


@keeps_form
def user_deactivate(request, pk: int):
    person = access.get_user_for(request.user, pk, write=True)
    form = ReasonForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_deactivate(
                actor=request.user, user=person, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("%(name)s has been deactivated.") % {"name": person.full_name}
            )
            return redirect("users:detail", pk=person.pk)
    return render(
        request,
        "core/confirm.html",
        {
            "form": form,
            "person": person,
            "title": _("Deactivate %(name)s") % {"name": person.full_name},
            "lead": _(
                "They will no longer be able to log in. Nothing they have done is removed, "
                "and you can reactivate them later."
            ),
            "button": _("Deactivate"),
            "danger": True,
            "back": person,
        },
    )


@keeps_form
def user_reactivate(request, pk: int):
    person = access.get_user_for(request.user, pk, write=True)
    form = ReasonForm(bound_or_restored(request), required=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reactivate(
                actor=request.user, user=person, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("%(name)s has been reactivated.") % {"name": person.full_name}
            )
            return redirect("users:detail", pk=person.pk)
    return render(
        request,
        "core/confirm.html",
        {
            "form": form,
            "person": person,
            "title": _("Reactivate %(name)s") % {"name": person.full_name},
            "lead": _("They can log in again with their password, and hold their roles again."),
            "button": _("Reactivate"),
            "back": person,
        },
    )


def _post_action(request, person, action, success: str):
    """A button on the person's page: do it, say how it went, go back to the page."""
    try:
        action(person)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"name": person.full_name, "email": person.email})
    return redirect("users:detail", pk=person.pk)


@require_POST
def user_password_reset(request, pk: int):
    return _post_action(
        request,
        access.get_user_for(request.user, pk, write=True),
        lambda person: services.password_reset_send(user=person, actor=request.user),
        _("A link to choose a new password has been sent to %(email)s."),
    )


@require_POST
def user_invitation_resend(request, pk: int):
    return _post_action(
        request,
        access.get_user_for(request.user, pk, write=True),
        lambda person: services.invitation_resend(actor=request.user, user=person),
        _("A new invitation has been sent to %(email)s. Earlier links no longer work."),
    )


@keeps_form
@idempotent
def role_add(request, pk: int):
    person = access.get_user_for(request.user, pk, write=True)
    form = RoleAssignForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.role_assign(
                actor=request.user,
                user=person,
                role=data["role"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The role has been given."))
            return redirect("users:detail", pk=person.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "person": person,
            "title": _("Give %(name)s a role") % {"name": person.full_name},
            "button": _("Give role"),
            "back": person,
        },
    )


def _period_for(model, person, item_pk: int):
    period = model.objects.filter(user=person, pk=item_pk).first()
    if period is None:
        raise Http404
    return period


def _end_period(request, pk: int, item_pk: int, *, model, end, title):
    """The form that ends a role or a membership on a chosen last day."""
    person = access.get_user_for(request.user, pk, write=True)
    period = _period_for(model, person, item_pk)
    form = PeriodEndForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            end(period, form.cleaned_data["valid_until"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The end date has been saved."))
            return redirect("users:detail", pk=person.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "person": person,
            "title": title(period, person),
            "button": _("Save end date"),
            "back": person,
        },
    )


@keeps_form
def role_end(request, pk: int, item_pk: int):
    return _end_period(
        request,
        pk,
        item_pk,
        model=RoleAssignment,
        end=lambda assignment, day: services.role_end(
            actor=request.user, assignment=assignment, valid_until=day
        ),
        title=lambda assignment, person: (
            _("End the role %(role)s for %(name)s")
            % {"role": assignment.get_role_display(), "name": person.full_name}
        ),
    )


@require_POST
def role_withdraw(request, pk: int, item_pk: int):
    person = access.get_user_for(request.user, pk, write=True)
    assignment = _period_for(RoleAssignment, person, item_pk)
    return _post_action(
        request,
        person,
        lambda _person: services.role_withdraw(actor=request.user, assignment=assignment),
        _("The role has been withdrawn."),
    )


@keeps_form
@idempotent
def membership_add(request, pk: int):
    person = access.get_user_for(request.user, pk, write=True)
    form = MembershipAddForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.membership_add(
                actor=request.user,
                user=person,
                organisation=data["organisation"],
                title=data["title"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The membership has been added."))
            return redirect("users:detail", pk=person.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "person": person,
            "title": _("Add %(name)s to an organisation") % {"name": person.full_name},
            "button": _("Add membership"),
            "back": person,
        },
    )


@keeps_form
def membership_end(request, pk: int, item_pk: int):
    return _end_period(
        request,
        pk,
        item_pk,
        model=Membership,
        end=lambda membership, day: services.membership_end(
            actor=request.user, membership=membership, valid_until=day
        ),
        title=lambda membership, person: (
            _("End %(name)s's membership of %(organisation)s")
            % {"name": person.full_name, "organisation": membership.organisation.name}
        ),
    )


@require_POST
def membership_withdraw(request, pk: int, item_pk: int):
    person = access.get_user_for(request.user, pk, write=True)
    membership = _period_for(Membership, person, item_pk)
    return _post_action(
        request,
        person,
        lambda _person: services.membership_withdraw(actor=request.user, membership=membership),
        _("The membership has been withdrawn."),
    )

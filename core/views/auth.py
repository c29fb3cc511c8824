"""Logging in and out, passwords, invitations, and keeping a session alive."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core import access, selectors, throttle
from core.errors import DomainError
from core.forms import (
    InvitationAcceptForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from core.http import add_domain_error
from core.middleware import (
    answers_json,
    forget_seen,
    mark_seen,
    session_refresh,
    session_seconds_left,
)
from core.services import invitation_accept, invitation_check


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        return mark_seen(super().form_valid(form), form.get_user())

    def form_invalid(self, form):
        """A paused login is the form again, with 429 and when to retry (core.throttle)."""
        response = super().form_invalid(form)
        if form.paused_until is not None:
            response.status_code = 429
            response["Retry-After"] = str(throttle.seconds_until(form.paused_until))
        return response


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """Logging out when already logged out (an expired session) simply lands on login."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have logged out."))
        return forget_seen(response)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


@login_not_required
@sensitive_post_parameters("password1", "password2")
def invitation_accept_view(request, token: str):
    """The invited person chooses a password; a used, replaced or expired link says so."""
    try:
        invitation = invitation_check(token)
    except DomainError as error:
        return render(
            request,
            "registration/invitation_invalid.html",
            {"error": error},
            status=410 if error.code in ("used", "expired", "replaced") else 404,
        )
    form = InvitationAcceptForm(
        request.POST if request.method == "POST" else None, user=invitation.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, password=form.cleaned_data["password1"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            login(request, user, backend="core.backends.PersonBackend")
            messages.success(request, _("Welcome! Your password is set and you are logged in."))
            return mark_seen(redirect("start"), user)
    return render(
        request,
        "registration/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )


@answers_json
@require_POST
def session_keepalive(request):
    """Called by the session warning's "stay logged in" button: renews the session now."""
    session_refresh(request)
    return JsonResponse({"expires_in": session_seconds_left(request)})


def account(request):
    """The person's own account: roles, organisations and delegations."""
    details = selectors.user_detail(request.user)
    return render(
        request,
        "core/account.html",
        {
            "details": details,
            "roles_today": access.active_roles(request.user),
            "delegation": access.active_delegation_for(request.user),
        },
    )

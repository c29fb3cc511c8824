"""What every page's frame needs: navigation for the person's roles, and the session length."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications import access as case_access
from core import access
from core.middleware import session_seconds_left
from projects.access import can_list_projects


def site(request):
    user = getattr(request, "user", None)
    nav = []
    if user is not None and user.is_authenticated:
        nav.append((reverse("start"), _("Start"), "start"))
        nav.append((reverse("calls:list"), _("Calls"), "calls"))
        if case_access.can_list_cases(user):
            nav.append((reverse("sketches:list"), _("Idea sketches"), "sketches"))
            nav.append((reverse("applications:list"), _("Applications"), "applications"))
        if case_access.can_review(user):
            nav.append((reverse("reviews:list"), _("My reviews"), "reviews"))
        if case_access.can_read_council(user):
            nav.append((reverse("council:meetings"), _("Council"), "council"))
        if case_access.can_read_proposals(user):
            nav.append((reverse("proposals:list"), _("Proposals"), "proposals"))
        if can_list_projects(user):
            nav.append((reverse("projects:list"), _("Projects"), "projects"))
        if access.can_read_funds(user):
            nav.append((reverse("funds:list"), _("Funds"), "funds"))
        if access.can_read_register(user):
            nav.append((reverse("register"), _("Register"), "register"))
        nav.append((reverse("organisations:list"), _("Organisations"), "organisations"))
        if access.can_read_users(user):
            nav.append((reverse("users:list"), _("Users"), "users"))
        if access.can_manage_delegations(user) or access.active_delegation_for(user):
            # Others who may read delegations (fund administrators, auditors) find them on
            # the users page: one menu line at 1280 px.
            nav.append((reverse("delegations:list"), _("Delegations"), "delegations"))
    match = getattr(request, "resolver_match", None)
    current = ""
    if match is not None:
        current = match.namespace or match.url_name or ""
        if current.startswith("password_change"):
            current = "account"
    return {
        "nav": nav,
        "nav_current": current,
        "session_seconds": session_seconds_left(request)
        if user is not None and user.is_authenticated
        else settings.SESSION_COOKIE_AGE,
        "production": settings.PRODUCTION,
    }

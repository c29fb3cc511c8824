"""What every page's frame needs: navigation for the person's roles, and the session length."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications import access as case_access
from core import access


def site(request):
    user = getattr(request, "user", None)
    nav = []
    if user is not None and user.is_authenticated:
        nav.append((reverse("start"), _("Start"), "start"))
        nav.append((reverse("calls:list"), _("Calls"), "calls"))
        if case_access.can_list_cases(user):
            nav.append((reverse("sketches:list"), _("Idea sketches"), "sketches"))
            nav.append((reverse("applications:list"), _("Applications"), "applications"))
        if case_access.can_read_council(user):
            nav.append((reverse("council:meetings"), _("Council"), "council"))
        if access.can_read_funds(user):
            nav.append((reverse("funds:list"), _("Funds"), "funds"))
        if access.can_read_register(user):
            nav.append((reverse("register"), _("Register"), "register"))
        nav.append((reverse("organisations:list"), _("Organisations"), "organisations"))
        if access.can_read_users(user):
            nav.append((reverse("users:list"), _("Users"), "users"))
        if access.can_read_delegations(user):
            nav.append((reverse("delegations:list"), _("Delegations"), "delegations"))
        nav.append((reverse("account"), _("My account"), "account"))
    match = getattr(request, "resolver_match", None)
    current = ""
    if match is not None:
        current = match.namespace or match.url_name or ""
        if current.startswith("password_change"):
            current = "account"
    return {
        "nav": nav,
        "nav_current": current,
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "production": settings.PRODUCTION,
    }

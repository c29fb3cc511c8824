"""What every page's frame needs: navigation for the person's roles, and the session length."""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from applications import access as case_access
from core import access
from core.middleware import session_seconds_left
from projects.access import can_list_projects
from reclaim.access import can_open_reclaim
from reports.access import can_ask_for_reports

# The menu's addresses, reversed once per process (and script prefix and URL configuration):
# twelve reverses on every page cost a logged-in page a third of a millisecond.
_URLS: dict[tuple, str] = {}


def _url(name: str) -> str:
    key = (name, get_script_prefix(), get_urlconf())
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


def site(request):
    user = getattr(request, "user", None)
    nav = []
    if user is not None and user.is_authenticated:
        nav.append((_url("start"), _("Start"), "start"))
        nav.append((_url("calls:list"), _("Calls"), "calls"))
        if case_access.can_list_cases(user):
            nav.append((_url("sketches:list"), _("Idea sketches"), "sketches"))
            nav.append((_url("applications:list"), _("Applications"), "applications"))
        if case_access.can_review(user):
            nav.append((_url("reviews:list"), _("My reviews"), "reviews"))
        if case_access.can_read_council(user):
            nav.append((_url("council:meetings"), _("Council"), "council"))
        if case_access.can_read_proposals(user):
            nav.append((_url("proposals:list"), _("Proposals"), "proposals"))
        if can_list_projects(user):
            nav.append((_url("projects:list"), _("Projects"), "projects"))
        if can_open_reclaim(user):
            nav.append((_url("reclaim:home"), _("Reclaim"), "reclaim"))
        if access.can_read_funds(user):
            nav.append((_url("funds:list"), _("Funds"), "funds"))
        if can_ask_for_reports(user):
            nav.append((_url("reports:list"), _("Reports"), "reports"))
        if access.can_read_register(user):
            nav.append((_url("register"), _("Register"), "register"))
        nav.append((_url("organisations:list"), _("Organisations"), "organisations"))
        if access.can_read_users(user):
            nav.append((_url("users:list"), _("Users"), "users"))
        if access.active_delegation_for(user):
            # The city director reaches delegations from the start page (a link, and the
            # delegate named or missing), fund administrators and auditors from the users page:
            # the city director's twelve items (reports among them) fit one menu line at 1280 px.
            nav.append((_url("delegations:list"), _("Delegations"), "delegations"))
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

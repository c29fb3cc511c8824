"""What every page's frame needs: navigation for the person's roles, and the session length.

The frame's logged-in parts (the menu, the session dialog) are the same HTML for everyone with
the same menu items, current section and language, so each is rendered once per process and
kept (``frame_fragment``): rendering them on every page cost a logged-in page about half a
millisecond. The key holds everything the HTML depends on, so a kept fragment is never stale.
Everything is computed only when a template asks (htmx fragments never do)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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
_FRAGMENTS: dict[tuple, SafeString] = {}
_FRAGMENTS_MAX = 4096  # menus, sections and languages in use; emptied if ever exceeded


def _url(name: str) -> str:
    key = (name, get_script_prefix(), get_urlconf())
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


def frame_fragment(template: str, vary: tuple, context: dict) -> SafeString:
    """``template`` rendered with ``context``, kept per process for ``vary`` (which must name
    everything the HTML depends on beyond the language, script prefix and URL configuration)."""
    key = (template, get_language(), get_script_prefix(), get_urlconf(), *vary)
    html = _FRAGMENTS.get(key)
    if html is None:
        if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
            _FRAGMENTS.clear()
        html = _FRAGMENTS[key] = mark_safe(render_to_string(template, context))  # noqa: S308 - our own template's output
    return html


def menu(user) -> list[tuple[str, str, str]]:
    """The menu items (address, label, key) for the person's roles today."""
    nav = []
    if user is None or not user.is_authenticated:
        return nav
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
    return nav


def _current(request) -> str:
    match = getattr(request, "resolver_match", None)
    current = ""
    if match is not None:
        current = match.namespace or match.url_name or ""
        if current.startswith("password_change"):
            current = "account"
    return current


def site(request):
    user = getattr(request, "user", None)
    logged_in = user is not None and user.is_authenticated
    current = _current(request)
    nav = SimpleLazyObject(lambda: menu(user))

    def nav_html() -> str:
        if not nav:
            return ""
        keys = tuple(key for _address, _label, key in nav)
        return frame_fragment(
            "includes/site_nav.html", (keys, current), {"nav": nav, "nav_current": current}
        )

    def session_dialog() -> str:
        return frame_fragment("includes/session_dialog.html", (), {}) if logged_in else ""

    return {
        "nav": nav,
        "nav_html": nav_html,
        "session_dialog": session_dialog,
        "nav_current": current,
        "session_seconds": (lambda: session_seconds_left(request))
        if logged_in
        else settings.SESSION_COOKIE_AGE,
        "production": settings.PRODUCTION,
    }

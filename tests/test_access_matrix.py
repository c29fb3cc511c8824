"""The access matrix: every URL, requested with real objects as every kind of subject.

Each row states the expected HTTP status for every subject, in the column order of SUBJECTS
(no wildcards). A URL pattern that is neither in the matrix nor in EXCLUDED (with its reason)
fails ``test_every_url_is_in_the_matrix``. POSTs send an empty form: a permitted subject gets
the form back with errors (200) or a redirect, and nothing is changed by a refused one.

Later issues add subjects (owner, co-owner, partner, assigned member...) with the objects that
make them, and rows for their URLs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from applications.models import Call, CallDocument
from applications.services import calls as call_services
from core import services
from core.models import (
    Delegation,
    EntryKind,
    Event,
    Fund,
    Invitation,
    LedgerEntry,
    Membership,
    Organisation,
    OutboundEmail,
    Role,
    RoleAssignment,
    User,
)
from core.services.people import _token_hash
from tests import factories

SUBJECTS = (
    "anonymous",
    "applicant",
    "other_applicant",
    "council_member",
    "reviewer",
    "fund_admin",
    "city_director",
    "delegate",
    "board_secretary",
    "auditor",
    "no_role",
    "deactivated",
)

# URL names that are not in the matrix, and why.
EXCLUDED = {
    "admin": "Django's admin has its own access control (active staff only); "
    "tests/core/test_admin.py checks it and that it is read-only.",
}


@dataclass
class World:
    people: dict
    target: object
    future_role: object
    current_role: object
    future_membership: object
    current_membership: object
    delegation: object
    invitation_token: str
    fund: object = None
    entry: object = None
    organisation: object = None
    draft_call: object = None
    call: object = None
    document: object = None


def build_world() -> World:
    today = timezone.localdate()
    farsta = factories.OrganisationFactory(name="Farsta stadsdelsnämnd", short_name="Farsta")
    social = factories.OrganisationFactory(name="Socialnämnden", kind="specialist_committee")
    director = factories.person(Role.CITY_DIRECTOR, name="Stadsdirektören")
    delegate = factories.UserFactory(full_name="Ersättaren")
    delegation = factories.DelegationFactory(delegator=director, delegate=delegate)
    people = {
        "applicant": factories.person(Role.APPLICANT, organisation=farsta),
        "other_applicant": factories.person(Role.APPLICANT, organisation=social),
        "council_member": factories.person(Role.COUNCIL_MEMBER, organisation=social),
        "reviewer": factories.person(Role.SCIENTIFIC_REVIEWER),
        "fund_admin": factories.person(Role.FUND_ADMIN),
        "city_director": director,
        "delegate": delegate,
        "board_secretary": factories.person(Role.BOARD_SECRETARY),
        "auditor": factories.person(Role.AUDITOR),
        "no_role": factories.UserFactory(),
        "deactivated": factories.person(Role.FUND_ADMIN, is_active=False),
    }
    target = factories.person(Role.APPLICANT, organisation=farsta, name="Tora Target")
    invited = factories.UserFactory(password=None)
    token = "matrix-invitation"
    Invitation.objects.create(
        user=invited,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + dt.timedelta(days=5),
    )
    fund = factories.FundFactory(name="Matrisfonden")
    entry = services.ledger_entry_record(
        actor=people["fund_admin"],
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=1_000_000,
        value_date=today,
        reference="KF",
        by_hand=True,
    )
    call_fields = {
        "fund": fund,
        "description": "Beskrivning",
        "indicative_budget": 1_000,
        "decision_route": "own_proposal",
    }
    # The draft's deadlines have passed, so that a fund administrator's publish is refused and
    # the draft stays a draft for the subjects after them.
    draft_call = call_services.call_create(
        actor=people["fund_admin"],
        title="Utkastet",
        idea_sketch_deadline=today - dt.timedelta(days=2),
        application_deadline=today - dt.timedelta(days=1),
        **call_fields,
    )
    call = call_services.call_create(
        actor=people["fund_admin"],
        title="Den publicerade",
        idea_sketch_deadline=today + dt.timedelta(days=10),
        application_deadline=today + dt.timedelta(days=20),
        **call_fields,
    )
    call_services.call_publish(actor=people["fund_admin"], call=call)
    document = CallDocument(
        call=call,
        title="Riktlinjer",
        original_name="riktlinjer.pdf",
        content_type="application/pdf",
        size=9,
    )
    document.file.save("riktlinjer.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return World(
        fund=fund,
        entry=entry,
        organisation=farsta,
        draft_call=draft_call,
        call=call,
        document=document,
        people=people,
        target=target,
        current_role=target.role_assignments.get(),
        future_role=factories.RoleAssignmentFactory(
            user=target, role=Role.AUDITOR, valid_from=today + dt.timedelta(days=30)
        ),
        current_membership=target.memberships.get(),
        future_membership=factories.MembershipFactory(
            user=target, organisation=social, valid_from=today + dt.timedelta(days=30)
        ),
        delegation=delegation,
        invitation_token=token,
    )


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: Callable[[World], str]
    expected: tuple[int, ...]
    html: bool = True  # False for machine endpoints (the browser tests skip them)

    def __post_init__(self):
        assert len(self.expected) == len(SUBJECTS), f"{self.name}: one status per subject"


def user_url(suffix=""):
    return lambda w: f"/users/{w.target.pk}/{suffix}"


# Columns: anonymous, applicant, other_applicant, council_member, reviewer, fund_admin,
#          city_director, delegate, board_secretary, auditor, no_role, deactivated
ALL_200 = (200,) * 12
LOGGED_IN_200 = (302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 302)
ADMIN_WRITE = (302, 404, 404, 404, 404, 200, 404, 404, 404, 403, 404, 302)
ADMIN_POST = (302, 404, 404, 404, 404, 302, 404, 404, 404, 403, 404, 302)
# Funds, the ledger and the register: fund administrators write; the city director, the delegate
# and auditors read; a list refuses others with 403, an object hides itself with 404.
FUND_LIST = (302, 403, 403, 403, 403, 200, 200, 200, 403, 200, 403, 302)
FUND_READ = (302, 404, 404, 404, 404, 200, 200, 200, 404, 200, 404, 302)
FUND_WRITE = (302, 404, 404, 404, 404, 200, 403, 403, 404, 403, 404, 302)
ONLY_ADMIN = (302, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 302)
ONLY_ADMIN_POST = (302, 403, 403, 403, 403, 302, 403, 403, 403, 403, 403, 302)
DRAFT_READ = (302, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404, 302)
DRAFT_POST = (302, 404, 404, 404, 404, 302, 404, 404, 404, 404, 404, 302)

MATRIX = [
    # --- site pages
    Row("start", "GET", lambda w: "/", LOGGED_IN_200),
    Row("accessibility", "GET", lambda w: "/accessibility/", ALL_200),
    Row("accessibility", "POST", lambda w: "/accessibility/", ALL_200),
    Row("privacy", "GET", lambda w: "/privacy/", ALL_200),
    Row("set_language", "POST", lambda w: "/language/", (302,) * 12),
    Row("healthz", "GET", lambda w: "/healthz/", ALL_200, html=False),
    # --- accounts
    Row(
        "login",
        "GET",
        lambda w: "/accounts/login/",
        (200, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 200),
    ),
    Row(
        "login",
        "POST",
        lambda w: "/accounts/login/",
        (200, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 200),
    ),
    Row("logout", "POST", lambda w: "/accounts/logout/", (302,) * 12),
    Row("account", "GET", lambda w: "/accounts/", LOGGED_IN_200),
    Row("password_change", "GET", lambda w: "/accounts/password/", LOGGED_IN_200),
    Row("password_change", "POST", lambda w: "/accounts/password/", LOGGED_IN_200),
    Row("password_change_done", "GET", lambda w: "/accounts/password/changed/", LOGGED_IN_200),
    Row("password_reset", "GET", lambda w: "/accounts/password/reset/", ALL_200),
    Row("password_reset", "POST", lambda w: "/accounts/password/reset/", ALL_200),
    Row("password_reset_done", "GET", lambda w: "/accounts/password/reset/sent/", ALL_200),
    Row(
        "password_reset_confirm", "GET", lambda w: "/accounts/password/reset/MQ/bad-token/", ALL_200
    ),
    Row("password_reset_complete", "GET", lambda w: "/accounts/password/reset/done/", ALL_200),
    Row(
        "invitation_accept", "GET", lambda w: f"/accounts/invitation/{w.invitation_token}/", ALL_200
    ),
    Row(
        "invitation_accept",
        "POST",
        lambda w: f"/accounts/invitation/{w.invitation_token}/",
        ALL_200,
    ),
    Row(
        "session_keepalive",
        "POST",
        lambda w: "/accounts/session/keepalive/",
        (401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
        html=False,
    ),
    # --- users
    Row(
        "users:list",
        "GET",
        lambda w: "/users/",
        (302, 403, 403, 403, 403, 200, 403, 403, 403, 200, 403, 302),
    ),
    Row(
        "users:invite",
        "GET",
        lambda w: "/users/invite/",
        (302, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 302),
    ),
    Row(
        "users:invite",
        "POST",
        lambda w: "/users/invite/",
        (302, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 302),
    ),
    Row(
        "users:detail",
        "GET",
        user_url(),
        (302, 404, 404, 404, 404, 200, 404, 404, 404, 200, 404, 302),
    ),
    Row("users:edit", "GET", user_url("edit/"), ADMIN_WRITE),
    Row("users:edit", "POST", user_url("edit/"), ADMIN_WRITE),
    Row("users:deactivate", "GET", user_url("deactivate/"), ADMIN_WRITE),
    Row("users:deactivate", "POST", user_url("deactivate/"), ADMIN_WRITE),
    Row("users:reactivate", "GET", user_url("reactivate/"), ADMIN_WRITE),
    Row("users:reactivate", "POST", user_url("reactivate/"), ADMIN_WRITE),
    Row("users:password_reset", "POST", user_url("password-reset/"), ADMIN_POST),
    Row("users:invitation_resend", "POST", user_url("invitation/"), ADMIN_POST),
    Row("users:role_add", "GET", user_url("roles/add/"), ADMIN_WRITE),
    Row("users:role_add", "POST", user_url("roles/add/"), ADMIN_WRITE),
    Row(
        "users:role_end",
        "GET",
        lambda w: f"/users/{w.target.pk}/roles/{w.current_role.pk}/end/",
        ADMIN_WRITE,
    ),
    Row(
        "users:role_end",
        "POST",
        lambda w: f"/users/{w.target.pk}/roles/{w.current_role.pk}/end/",
        ADMIN_WRITE,
    ),
    Row(
        "users:role_withdraw",
        "POST",
        lambda w: f"/users/{w.target.pk}/roles/{w.future_role.pk}/withdraw/",
        ADMIN_POST,
    ),
    Row("users:membership_add", "GET", user_url("memberships/add/"), ADMIN_WRITE),
    Row("users:membership_add", "POST", user_url("memberships/add/"), ADMIN_WRITE),
    Row(
        "users:membership_end",
        "GET",
        lambda w: f"/users/{w.target.pk}/memberships/{w.current_membership.pk}/end/",
        ADMIN_WRITE,
    ),
    Row(
        "users:membership_end",
        "POST",
        lambda w: f"/users/{w.target.pk}/memberships/{w.current_membership.pk}/end/",
        ADMIN_WRITE,
    ),
    Row(
        "users:membership_withdraw",
        "POST",
        lambda w: f"/users/{w.target.pk}/memberships/{w.future_membership.pk}/withdraw/",
        ADMIN_POST,
    ),
    # --- organisations
    Row("organisations:list", "GET", lambda w: "/organisations/", LOGGED_IN_200),
    Row("organisations:create", "GET", lambda w: "/organisations/new/", ONLY_ADMIN),
    Row("organisations:create", "POST", lambda w: "/organisations/new/", ONLY_ADMIN),
    Row(
        "organisations:detail",
        "GET",
        lambda w: f"/organisations/{w.organisation.pk}/",
        LOGGED_IN_200,
    ),
    Row(
        "organisations:edit",
        "GET",
        lambda w: f"/organisations/{w.organisation.pk}/edit/",
        ONLY_ADMIN,
    ),
    Row(
        "organisations:edit",
        "POST",
        lambda w: f"/organisations/{w.organisation.pk}/edit/",
        ONLY_ADMIN,
    ),
    Row(
        "organisations:reorganise",
        "GET",
        lambda w: f"/organisations/{w.organisation.pk}/reorganise/",
        ONLY_ADMIN,
    ),
    Row(
        "organisations:reorganise",
        "POST",
        lambda w: f"/organisations/{w.organisation.pk}/reorganise/",
        ONLY_ADMIN,
    ),
    # --- funds, ledger, register
    Row("funds:list", "GET", lambda w: "/funds/", FUND_LIST),
    Row("funds:create", "GET", lambda w: "/funds/new/", ONLY_ADMIN),
    Row("funds:create", "POST", lambda w: "/funds/new/", ONLY_ADMIN),
    Row("funds:detail", "GET", lambda w: f"/funds/{w.fund.pk}/", FUND_READ),
    Row("funds:edit", "GET", lambda w: f"/funds/{w.fund.pk}/edit/", FUND_WRITE),
    Row("funds:edit", "POST", lambda w: f"/funds/{w.fund.pk}/edit/", FUND_WRITE),
    Row("funds:entry_create", "GET", lambda w: f"/funds/{w.fund.pk}/entries/new/", FUND_WRITE),
    Row("funds:entry_create", "POST", lambda w: f"/funds/{w.fund.pk}/entries/new/", FUND_WRITE),
    Row(
        "funds:entry_reverse",
        "GET",
        lambda w: f"/funds/{w.fund.pk}/entries/{w.entry.pk}/reverse/",
        FUND_WRITE,
    ),
    Row(
        "funds:entry_reverse",
        "POST",
        lambda w: f"/funds/{w.fund.pk}/entries/{w.entry.pk}/reverse/",
        FUND_WRITE,
    ),
    Row("register", "GET", lambda w: "/register/", FUND_LIST),
    # --- calls
    Row("calls:list", "GET", lambda w: "/calls/", LOGGED_IN_200),
    Row("calls:create", "GET", lambda w: "/calls/new/", ONLY_ADMIN),
    Row("calls:create", "POST", lambda w: "/calls/new/", ONLY_ADMIN),
    Row("calls:detail", "GET", lambda w: f"/calls/{w.call.pk}/", LOGGED_IN_200),
    Row("calls:detail", "GET", lambda w: f"/calls/{w.draft_call.pk}/", DRAFT_READ),
    Row("calls:edit", "GET", lambda w: f"/calls/{w.call.pk}/edit/", ONLY_ADMIN),
    Row("calls:edit", "POST", lambda w: f"/calls/{w.call.pk}/edit/", ONLY_ADMIN),
    Row("calls:edit", "GET", lambda w: f"/calls/{w.draft_call.pk}/edit/", DRAFT_READ),
    Row("calls:publish", "POST", lambda w: f"/calls/{w.draft_call.pk}/publish/", DRAFT_POST),
    Row("calls:decide", "POST", lambda w: f"/calls/{w.call.pk}/decide/", ONLY_ADMIN_POST),
    Row("calls:cancel", "GET", lambda w: f"/calls/{w.call.pk}/cancel/", ONLY_ADMIN),
    Row("calls:cancel", "POST", lambda w: f"/calls/{w.call.pk}/cancel/", ONLY_ADMIN),
    Row("calls:document_add", "GET", lambda w: f"/calls/{w.call.pk}/documents/new/", ONLY_ADMIN),
    Row("calls:document_add", "POST", lambda w: f"/calls/{w.call.pk}/documents/new/", ONLY_ADMIN),
    Row(
        "calls:document",
        "GET",
        lambda w: f"/calls/{w.call.pk}/documents/{w.document.pk}/",
        LOGGED_IN_200,
        html=False,
    ),
    Row(
        "calls:document_withdraw",
        "POST",
        lambda w: f"/calls/{w.call.pk}/documents/{w.document.pk}/withdraw/",
        ONLY_ADMIN_POST,
    ),
    # --- delegations
    Row(
        "delegations:list",
        "GET",
        lambda w: "/delegations/",
        (302, 403, 403, 403, 403, 200, 200, 200, 403, 200, 403, 302),
    ),
    Row(
        "delegations:create",
        "GET",
        lambda w: "/delegations/new/",
        (302, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 302),
    ),
    Row(
        "delegations:create",
        "POST",
        lambda w: "/delegations/new/",
        (302, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 302),
    ),
    Row(
        "delegations:end",
        "GET",
        lambda w: f"/delegations/{w.delegation.pk}/end/",
        (302, 404, 404, 404, 404, 403, 200, 403, 404, 403, 404, 302),
    ),
    Row(
        "delegations:end",
        "POST",
        lambda w: f"/delegations/{w.delegation.pk}/end/",
        (302, 404, 404, 404, 404, 403, 200, 403, 404, 403, 404, 302),
    ),
]


def state() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "full_name", "is_active", "language", "is_staff", "password"
            )
        ),
        list(
            RoleAssignment.objects.order_by("pk").values_list("pk", "valid_until", "withdrawn_at")
        ),
        list(Membership.objects.order_by("pk").values_list("pk", "valid_until", "withdrawn_at")),
        list(Delegation.objects.order_by("pk").values_list("pk", "valid_until", "ended_at")),
        list(Invitation.objects.order_by("pk").values_list("pk", "accepted_at", "revoked_at")),
        Event.objects.count(),
        OutboundEmail.objects.count(),
        LedgerEntry.objects.count(),
        list(Organisation.objects.order_by("pk").values_list("pk", "name", "active_until")),
        list(Fund.objects.order_by("pk").values_list("pk", "name", "started_on")),
        list(Call.objects.order_by("pk").values_list("pk", "state", "title")),
        list(CallDocument.objects.order_by("pk").values_list("pk", "withdrawn_at")),
    )


def refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.method} {row.name}")
def test_access(client, row):
    world = build_world()
    path = row.path(world)
    mismatches = []
    for subject, expected in zip(SUBJECTS, row.expected, strict=True):
        client.logout()
        if subject != "anonymous":
            client.force_login(world.people[subject])
        before = state()
        response = client.get(path) if row.method == "GET" else client.post(path, {})
        if response.status_code != expected:
            mismatches.append(f"{subject}: expected {expected}, got {response.status_code}")
        if refused(response) and state() != before:
            mismatches.append(f"{subject}: refused ({response.status_code}) but changed data")
    assert not mismatches, f"{row.method} {path}:\n  " + "\n  ".join(mismatches)


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace and pattern.namespace in EXCLUDED:
                continue
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    named = set(_url_names(get_resolver().url_patterns))
    covered = {row.name for row in MATRIX}
    assert named - covered == set(), "URLs without access rows: add them to MATRIX"
    assert covered - named == set(), "Rows for URLs that no longer exist"


def test_every_pattern_has_a_name():
    """Unnamed patterns would escape the matrix."""

    def unnamed(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in EXCLUDED:
                    yield from unnamed(pattern.url_patterns)
            elif not pattern.name:
                yield str(pattern.pattern)

    assert list(unnamed(get_resolver().url_patterns)) == []

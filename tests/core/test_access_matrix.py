"""The access matrix of core's pages (the site, accounts, users, organisations, funds, the
ledger and the register, delegations): every URL as every subject, with real objects. The
subjects, the world and the rules of a row: ``tests/matrix.py``."""

from __future__ import annotations

import pytest

from tests.matrix import (
    ADMIN_POST,
    ADMIN_WRITE,
    ALL_200,
    FUND_LIST,
    FUND_READ,
    FUND_WRITE,
    LOGGED_IN_200,
    ONLY_ADMIN,
    Row,
    check_row,
    user_url,
)

ROWS = [
    # --- site pages
    Row("start", "GET", lambda w: "/", LOGGED_IN_200),
    Row("accessibility", "GET", lambda w: "/accessibility/", ALL_200),
    Row("accessibility", "POST", lambda w: "/accessibility/", ALL_200),
    Row("privacy", "GET", lambda w: "/privacy/", ALL_200),
    Row("set_language", "POST", lambda w: "/language/", (302,) * 16),
    Row("healthz", "GET", lambda w: "/healthz/", ALL_200, html=False),
    # --- accounts
    Row(
        "login",
        "GET",
        lambda w: "/accounts/login/",
        (200, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 200),
    ),
    Row(
        "login",
        "POST",
        lambda w: "/accounts/login/",
        (200, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 200),
    ),
    Row("logout", "POST", lambda w: "/accounts/logout/", (302,) * 16),
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
        (401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
        html=False,
    ),
    # --- users
    Row(
        "users:list",
        "GET",
        lambda w: "/users/",
        (302, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200, 403, 302),
    ),
    Row(
        "users:invite",
        "GET",
        lambda w: "/users/invite/",
        (302, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 302),
    ),
    Row(
        "users:invite",
        "POST",
        lambda w: "/users/invite/",
        (302, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 302),
    ),
    Row(
        "users:detail",
        "GET",
        user_url(),
        (302, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 200, 404, 302),
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
    # --- delegations
    Row(
        "delegations:list",
        "GET",
        lambda w: "/delegations/",
        (302, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 200, 403, 302),
    ),
    Row(
        "delegations:create",
        "GET",
        lambda w: "/delegations/new/",
        (302, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 302),
    ),
    Row(
        "delegations:create",
        "POST",
        lambda w: "/delegations/new/",
        (302, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 302),
    ),
    Row(
        "delegations:end",
        "GET",
        lambda w: f"/delegations/{w.delegation.pk}/end/",
        (302, 404, 404, 404, 404, 404, 404, 404, 404, 403, 200, 403, 404, 403, 404, 302),
    ),
    Row(
        "delegations:end",
        "POST",
        lambda w: f"/delegations/{w.delegation.pk}/end/",
        (302, 404, 404, 404, 404, 404, 404, 404, 404, 403, 200, 403, 404, 403, 404, 302),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(client, row):
    check_row(client, row)

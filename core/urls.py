from django.urls import include, path

from core.views import auth, delegations, funds, organisations, users

account_patterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("", auth.account, name="account"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/changed/",
        auth.auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth.auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth.auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", auth.invitation_accept_view, name="invitation_accept"),
    path("session/keepalive/", auth.session_keepalive, name="session_keepalive"),
]

user_patterns = (
    [
        path("", users.user_list, name="list"),
        path("invite/", users.user_invite, name="invite"),
        path("<id:pk>/", users.user_detail, name="detail"),
        path("<id:pk>/edit/", users.user_edit, name="edit"),
        path("<id:pk>/deactivate/", users.user_deactivate, name="deactivate"),
        path("<id:pk>/reactivate/", users.user_reactivate, name="reactivate"),
        path("<id:pk>/password-reset/", users.user_password_reset, name="password_reset"),
        path("<id:pk>/invitation/", users.user_invitation_resend, name="invitation_resend"),
        path("<id:pk>/roles/add/", users.role_add, name="role_add"),
        path("<id:pk>/roles/<id:item_pk>/end/", users.role_end, name="role_end"),
        path("<id:pk>/roles/<id:item_pk>/withdraw/", users.role_withdraw, name="role_withdraw"),
        path("<id:pk>/memberships/add/", users.membership_add, name="membership_add"),
        path("<id:pk>/memberships/<id:item_pk>/end/", users.membership_end, name="membership_end"),
        path(
            "<id:pk>/memberships/<id:item_pk>/withdraw/",
            users.membership_withdraw,
            name="membership_withdraw",
        ),
    ],
    "users",
)

delegation_patterns = (
    [
        path("", delegations.delegation_list, name="list"),
        path("new/", delegations.delegation_create, name="create"),
        path("<id:pk>/end/", delegations.delegation_end, name="end"),
    ],
    "delegations",
)

organisation_patterns = (
    [
        path("", organisations.organisation_list, name="list"),
        path("new/", organisations.organisation_create, name="create"),
        path("<id:pk>/", organisations.organisation_detail, name="detail"),
        path("<id:pk>/edit/", organisations.organisation_edit, name="edit"),
        path("<id:pk>/reorganise/", organisations.organisation_reorganise, name="reorganise"),
    ],
    "organisations",
)

fund_patterns = (
    [
        path("", funds.fund_list, name="list"),
        path("new/", funds.fund_create, name="create"),
        path("<id:pk>/", funds.fund_detail, name="detail"),
        path("<id:pk>/edit/", funds.fund_edit, name="edit"),
        path("<id:pk>/entries/new/", funds.entry_create, name="entry_create"),
        path("<id:pk>/entries/<id:entry_pk>/reverse/", funds.entry_reverse, name="entry_reverse"),
    ],
    "funds",
)

urlpatterns = [
    path("accounts/", include(account_patterns)),
    path("organisations/", include(organisation_patterns)),
    path("funds/", include(fund_patterns)),
    path("register/", funds.register, name="register"),
    path("users/", include(user_patterns)),
    path("delegations/", include(delegation_patterns)),
]

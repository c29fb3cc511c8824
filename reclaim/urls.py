from django.urls import path

from reclaim.views import overview, plans, policy, reorganisations

app_name = "reclaim"

P = "projects/<id:project_pk>/"
V = P + "versions/<id:version_pk>/"
L = P + "lines/<id:organisation_pk>/<year:year>/"

urlpatterns = [
    path("", overview.reclaim_home, name="home"),
    path("funds/<id:fund_pk>/", overview.fund_detail, name="fund"),
    path(P + "comments/", overview.plan_comment, name="plan_comment"),
    path(
        P + "comments/<id:comment_pk>/withdraw/",
        overview.plan_comment_withdraw,
        name="plan_comment_withdraw",
    ),
    path("policies/<id:fund_pk>/", policy.policy_detail, name="policy"),
    path("reorganisations/", reorganisations.reorganisation_list, name="reorganisations"),
    path(
        "reorganisations/<id:pk>/",
        reorganisations.reorganisation_detail,
        name="reorganisation",
    ),
    path("policies/<id:fund_pk>/edit/", policy.policy_edit, name="policy_edit"),
    path(P, plans.plan_detail, name="plan"),
    path(P + "draft/", plans.plan_draft, name="plan_draft"),
    path(P + "adjust/", plans.plan_adjust, name="plan_adjust"),
    path(V + "edit/", plans.version_edit, name="version_edit"),
    path(V + "fit/", plans.version_fit, name="version_fit"),
    path(V + "submit/", plans.version_submit, name="version_submit"),
    path(V + "decide/", plans.version_decide, name="version_decide"),
    path(V + "return/", plans.version_return, name="version_return"),
    path(P + "exempt/", plans.plan_exempt, name="plan_exempt"),
    path(P + "budget/", plans.budget_adjustment, name="budget_adjustment"),
    path(P + "close/", plans.plan_close, name="plan_close"),
    path(P + "follow-up/<year:year>/", plans.follow_up, name="follow_up"),
    path(L + "book/", plans.installment_book, name="installment_book"),
    path(L + "waive/", plans.installment_waive, name="installment_waive"),
]

from django.urls import path

from reclaim.views import plans, policy, reorganisations

app_name = "reclaim"

P = "projects/<id:project_pk>/"
V = P + "versions/<id:version_pk>/"
L = P + "lines/<id:organisation_pk>/<year:year>/"

urlpatterns = [
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
    path(L + "book/", plans.installment_book, name="installment_book"),
    path(L + "waive/", plans.installment_waive, name="installment_waive"),
]

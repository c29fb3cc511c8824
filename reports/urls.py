from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("investment/<id:project_pk>/", views.report_investment, name="investment"),
    path(
        "reclaim-decision/<id:project_pk>/<id:version_pk>/",
        views.report_reclaim_decision,
        name="reclaim_decision",
    ),
    path("board-proposal/<id:proposal_pk>/", views.report_board_proposal, name="board_proposal"),
    path("<id:pk>/", views.report_detail, name="detail"),
    path("<id:pk>/status/", views.report_status, name="status"),
    path("<id:pk>/download/", views.report_download, name="download"),
    path("<id:pk>/retry/", views.report_retry, name="retry"),
]

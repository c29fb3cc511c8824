from django.urls import path

from reclaim import views

app_name = "reclaim"

urlpatterns = [
    path("policies/<id:fund_pk>/", views.policy_detail, name="policy"),
    path("policies/<id:fund_pk>/edit/", views.policy_edit, name="policy_edit"),
]

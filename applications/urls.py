from django.urls import path

from applications.views import calls

app_name = "calls"

urlpatterns = [
    path("", calls.call_list, name="list"),
    path("new/", calls.call_create, name="create"),
    path("<int:pk>/", calls.call_detail, name="detail"),
    path("<int:pk>/edit/", calls.call_edit, name="edit"),
    path("<int:pk>/publish/", calls.call_publish, name="publish"),
    path("<int:pk>/decide/", calls.call_decide, name="decide"),
    path("<int:pk>/cancel/", calls.call_cancel, name="cancel"),
    path("<int:pk>/documents/new/", calls.call_document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", calls.call_document, name="document"),
    path(
        "<int:pk>/documents/<int:document_pk>/withdraw/",
        calls.call_document_withdraw,
        name="document_withdraw",
    ),
]

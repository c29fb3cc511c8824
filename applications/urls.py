from django.urls import path

from applications.views import applications, calls, council, proposals, reviews, sketches

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

sketch_patterns = (
    [
        path("", sketches.sketch_list, name="list"),
        path("new/", sketches.sketch_create, name="create"),
        path("<int:pk>/", sketches.sketch_detail, name="detail"),
        path("<int:pk>/edit/", sketches.sketch_edit, name="edit"),
        path("<int:pk>/submit/", sketches.sketch_submit, name="submit"),
        path("<int:pk>/receipt/", sketches.sketch_receipt, name="receipt"),
        path("<int:pk>/withdraw/", sketches.sketch_withdraw, name="withdraw"),
        path("<int:pk>/apply/", sketches.sketch_apply, name="apply"),
    ],
    "sketches",
)

council_patterns = (
    [
        path("meetings/", council.meeting_list, name="meetings"),
        path("meetings/new/", council.meeting_create, name="meeting_create"),
        path("meetings/<int:pk>/", council.meeting_detail, name="meeting"),
        path(
            "meetings/<int:pk>/sketches/<int:sketch_pk>/",
            council.sketch_decide,
            name="sketch_decide",
        ),
    ],
    "council",
)

application_patterns = (
    [
        path("", applications.application_list, name="list"),
        path("<int:pk>/", applications.application_detail, name="detail"),
        path("<int:pk>/edit/", applications.application_edit, name="edit"),
        path("<int:pk>/submit/", applications.application_submit, name="submit"),
        path("<int:pk>/versions/<int:number>/", applications.version_detail, name="version"),
        path("<int:pk>/compare/", applications.version_compare, name="compare"),
        path("<int:pk>/attachments/new/", applications.attachment_add, name="attachment_add"),
        path(
            "<int:pk>/attachments/<int:attachment_pk>/",
            applications.attachment_download,
            name="attachment",
        ),
        path(
            "<int:pk>/attachments/<int:attachment_pk>/remove/",
            applications.attachment_remove,
            name="attachment_remove",
        ),
        path(
            "<int:pk>/revision/",
            applications.application_request_revision,
            name="request_revision",
        ),
        path("<int:pk>/withdraw/", applications.application_withdraw, name="withdraw"),
        path("<int:pk>/review/", reviews.review_detail, name="review"),
        path("<int:pk>/review/assign/", reviews.review_assign, name="review_assign"),
        path(
            "<int:pk>/review/assignments/<int:assignment_pk>/remove/",
            reviews.review_unassign,
            name="review_unassign",
        ),
        path("<int:pk>/recommendation/", reviews.recommendation_record, name="recommend"),
    ],
    "applications",
)

review_patterns = (
    [
        path("", reviews.assignment_list, name="list"),
        path("<int:pk>/", reviews.assignment_detail, name="assignment"),
        path("<int:pk>/declare/", reviews.assignment_declare, name="declare"),
        path("<int:pk>/statement/", reviews.statement_submit, name="statement"),
        path("<int:pk>/score/", reviews.score_submit, name="score"),
    ],
    "reviews",
)

proposal_patterns = (
    [
        path("", proposals.proposal_list, name="list"),
        path("new/", proposals.proposal_create, name="create"),
        path("<int:pk>/", proposals.proposal_detail, name="detail"),
        path("<int:pk>/edit/", proposals.proposal_edit, name="edit"),
        path("<int:pk>/submit/", proposals.proposal_submit, name="submit"),
        path("<int:pk>/amounts/", proposals.proposal_amounts, name="amounts"),
        path("<int:pk>/approve/", proposals.proposal_approve, name="approve"),
        path("<int:pk>/return/", proposals.proposal_return, name="return"),
        path(
            "<int:pk>/items/<int:item_pk>/decision/",
            proposals.board_decision_record,
            name="decide",
        ),
    ],
    "proposals",
)

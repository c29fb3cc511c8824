from django.urls import path

from applications.views import applications, calls, council, proposals, reviews, sketches

app_name = "calls"

urlpatterns = [
    path("", calls.call_list, name="list"),
    path("new/", calls.call_create, name="create"),
    path("<id:pk>/", calls.call_detail, name="detail"),
    path("<id:pk>/edit/", calls.call_edit, name="edit"),
    path("<id:pk>/publish/", calls.call_publish, name="publish"),
    path("<id:pk>/decide/", calls.call_decide, name="decide"),
    path("<id:pk>/cancel/", calls.call_cancel, name="cancel"),
    path("<id:pk>/documents/new/", calls.call_document_add, name="document_add"),
    path("<id:pk>/documents/<id:document_pk>/", calls.call_document, name="document"),
    path(
        "<id:pk>/documents/<id:document_pk>/withdraw/",
        calls.call_document_withdraw,
        name="document_withdraw",
    ),
]

sketch_patterns = (
    [
        path("", sketches.sketch_list, name="list"),
        path("new/", sketches.sketch_create, name="create"),
        path("<id:pk>/", sketches.sketch_detail, name="detail"),
        path("<id:pk>/edit/", sketches.sketch_edit, name="edit"),
        path("<id:pk>/submit/", sketches.sketch_submit, name="submit"),
        path("<id:pk>/receipt/", sketches.sketch_receipt, name="receipt"),
        path("<id:pk>/withdraw/", sketches.sketch_withdraw, name="withdraw"),
        path("<id:pk>/apply/", sketches.sketch_apply, name="apply"),
        path("<id:pk>/comments/", sketches.sketch_comment, name="comment"),
        path(
            "<id:pk>/comments/<id:comment_pk>/withdraw/",
            sketches.sketch_comment_withdraw,
            name="comment_withdraw",
        ),
    ],
    "sketches",
)

council_patterns = (
    [
        path("meetings/", council.meeting_list, name="meetings"),
        path("meetings/new/", council.meeting_create, name="meeting_create"),
        path("meetings/<id:pk>/", council.meeting_detail, name="meeting"),
        path(
            "meetings/<id:pk>/sketches/<id:sketch_pk>/",
            council.sketch_decide,
            name="sketch_decide",
        ),
    ],
    "council",
)

application_patterns = (
    [
        path("", applications.application_list, name="list"),
        path("<id:pk>/", applications.application_detail, name="detail"),
        path("<id:pk>/edit/", applications.application_edit, name="edit"),
        path("<id:pk>/submit/", applications.application_submit, name="submit"),
        path("<id:pk>/versions/<id:number>/", applications.version_detail, name="version"),
        path("<id:pk>/compare/", applications.version_compare, name="compare"),
        path("<id:pk>/attachments/new/", applications.attachment_add, name="attachment_add"),
        path(
            "<id:pk>/attachments/<id:attachment_pk>/",
            applications.attachment_download,
            name="attachment",
        ),
        path(
            "<id:pk>/attachments/<id:attachment_pk>/remove/",
            applications.attachment_remove,
            name="attachment_remove",
        ),
        path(
            "<id:pk>/revision/",
            applications.application_request_revision,
            name="request_revision",
        ),
        path("<id:pk>/withdraw/", applications.application_withdraw, name="withdraw"),
        path("<id:pk>/comments/", applications.application_comment, name="comment"),
        path(
            "<id:pk>/comments/<id:comment_pk>/withdraw/",
            applications.application_comment_withdraw,
            name="comment_withdraw",
        ),
        path("<id:pk>/review/", reviews.review_detail, name="review"),
        path("<id:pk>/review/assign/", reviews.review_assign, name="review_assign"),
        path(
            "<id:pk>/review/assignments/<id:assignment_pk>/remove/",
            reviews.review_unassign,
            name="review_unassign",
        ),
        path("<id:pk>/recommendation/", reviews.recommendation_record, name="recommend"),
    ],
    "applications",
)

review_patterns = (
    [
        path("", reviews.assignment_list, name="list"),
        path("<id:pk>/", reviews.assignment_detail, name="assignment"),
        path("<id:pk>/declare/", reviews.assignment_declare, name="declare"),
        path("<id:pk>/statement/", reviews.statement_submit, name="statement"),
        path("<id:pk>/score/", reviews.score_submit, name="score"),
    ],
    "reviews",
)

proposal_patterns = (
    [
        path("", proposals.proposal_list, name="list"),
        path("new/", proposals.proposal_create, name="create"),
        path("<id:pk>/", proposals.proposal_detail, name="detail"),
        path("<id:pk>/edit/", proposals.proposal_edit, name="edit"),
        path("<id:pk>/submit/", proposals.proposal_submit, name="submit"),
        path("<id:pk>/amounts/", proposals.proposal_amounts, name="amounts"),
        path("<id:pk>/approve/", proposals.proposal_approve, name="approve"),
        path("<id:pk>/return/", proposals.proposal_return, name="return"),
        path(
            "<id:pk>/items/<id:item_pk>/decision/",
            proposals.board_decision_record,
            name="decide",
        ),
    ],
    "proposals",
)

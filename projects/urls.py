from django.urls import path

from projects.views import changes, comments, evaluation, money, people, projects, reports

app_name = "projects"
P = "<id:pk>/"
R = P + "reports/<id:report_pk>/"
C = P + "changes/<id:change_pk>/"
urlpatterns = [
    path("", projects.project_list, name="list"),
    path(P, projects.project_detail, name="detail"),
    path(P + "start/", projects.project_activate, name="activate"),
    path(P + "pause/", projects.project_pause, name="pause"),
    path(P + "resume/", projects.project_resume, name="resume"),
    path(P + "cancel/", projects.project_cancel, name="cancel"),
    path(P + "phase-end/", projects.project_phase_end, name="phase_end"),
    path(P + "conditions/<id:condition_pk>/", projects.condition_meet, name="condition_meet"),
    path(P + "versions/compare/", projects.version_compare, name="compare"),
    path(P + "people/", people.project_assign, name="assign"),
    path(P + "people/<id:assignment_pk>/end/", people.assignment_end, name="assignment_end"),
    path(P + "money/disburse/", money.disbursement_create, name="disburse"),
    path(P + "money/refund/", money.refund_create, name="refund"),
    path(P + "money/release/", money.release_create, name="release"),
    path(P + "comments/", comments.project_comment, name="comment"),
    path(
        P + "comments/<id:comment_pk>/withdraw/",
        comments.project_comment_withdraw,
        name="comment_withdraw",
    ),
    path(R, reports.report_detail, name="report"),
    path(R + "edit/", reports.report_edit, name="report_edit"),
    path(R + "submit/", reports.report_submit, name="report_submit"),
    path(R + "review/", reports.report_review, name="report_review"),
    path(R + "return/", reports.report_return, name="report_return"),
    path(R + "attachments/add/", reports.report_attachment_add, name="report_attachment_add"),
    path(
        R + "attachments/<id:attachment_pk>/",
        reports.report_attachment_download,
        name="report_attachment",
    ),
    path(
        R + "attachments/<id:attachment_pk>/remove/",
        reports.report_attachment_remove,
        name="report_attachment_remove",
    ),
    path(R + "comments/", reports.report_comment, name="report_comment"),
    path(
        R + "comments/<id:comment_pk>/withdraw/",
        reports.report_comment_withdraw,
        name="report_comment_withdraw",
    ),
    path(P + "changes/new/<slug:kind>/", changes.change_create, name="change_create"),
    path(C, changes.change_detail, name="change"),
    path(C + "edit/", changes.change_edit, name="change_edit"),
    path(C + "submit/", changes.change_submit, name="change_submit"),
    path(C + "withdraw/", changes.change_withdraw, name="change_withdraw"),
    path(C + "approve/", changes.change_approve, name="change_approve"),
    path(C + "reject/", changes.change_reject, name="change_reject"),
    path(P + "evaluation/", evaluation.evaluation_detail, name="evaluation"),
    path(P + "evaluation/edit/", evaluation.evaluation_edit, name="evaluation_edit"),
    path(P + "evaluation/complete/", evaluation.evaluation_complete, name="evaluation_complete"),
    path(
        P + "evaluation/attachments/add/",
        evaluation.evaluation_attachment_add,
        name="evaluation_attachment_add",
    ),
    path(
        P + "evaluation/attachments/<id:attachment_pk>/",
        evaluation.evaluation_attachment_download,
        name="evaluation_attachment",
    ),
    path(P + "evaluation/comments/", evaluation.evaluation_comment, name="evaluation_comment"),
    path(
        P + "evaluation/comments/<id:comment_pk>/withdraw/",
        evaluation.evaluation_comment_withdraw,
        name="evaluation_comment_withdraw",
    ),
]

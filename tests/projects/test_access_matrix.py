"""The access matrix of the projects app's pages: every URL as every subject, with real
objects. The subjects, the world and the rules of a row: ``tests/matrix.py``; the world's
project is evaluated (its report, changes and evaluation made on the way)."""

from __future__ import annotations

import pytest

from tests.matrix import (
    EVALUATION_COMMENT,
    POST_ONLY,
    PROJECT_ASSIGN,
    PROJECT_COMMENT,
    PROJECT_FULL,
    PROJECT_FULL_REDIRECT,
    PROJECT_LEAD,
    PROJECT_LEAD_DONE,
    PROJECT_LIST,
    PROJECT_MANAGE,
    PROJECT_MANAGE_REDIRECT,
    PROJECT_READ,
    PROJECT_READ_REDIRECT,
    REPORT_COMMENT,
    REPORT_REVIEW,
    Row,
    check_row,
)


def project(suffix=""):
    return lambda w: f"/projects/{w.project.pk}/{suffix}"


def report(suffix=""):
    return lambda w: f"/projects/{w.project.pk}/reports/{w.project_report.pk}/{suffix}"


def change(suffix=""):
    return lambda w: f"/projects/{w.project.pk}/changes/{w.project_change.pk}/{suffix}"


ROWS = [
    Row("projects:list", "GET", lambda w: "/projects/", PROJECT_LIST),
    Row("projects:detail", "GET", project(), PROJECT_READ),
    Row("projects:compare", "GET", project("versions/compare/"), PROJECT_FULL),
    # Fund administrators: states, conditions and money. The project is evaluated, so the
    # state changes are refused on the page (200); the empty money forms come back with errors.
    Row("projects:activate", "GET", project("start/"), PROJECT_MANAGE),
    Row("projects:activate", "POST", project("start/"), PROJECT_MANAGE),
    Row("projects:pause", "GET", project("pause/"), PROJECT_MANAGE),
    Row("projects:pause", "POST", project("pause/"), PROJECT_MANAGE),
    Row("projects:resume", "GET", project("resume/"), PROJECT_MANAGE),
    Row("projects:resume", "POST", project("resume/"), PROJECT_MANAGE),
    Row("projects:cancel", "GET", project("cancel/"), PROJECT_MANAGE),
    Row("projects:cancel", "POST", project("cancel/"), PROJECT_MANAGE),
    Row("projects:phase_end", "GET", project("phase-end/"), PROJECT_MANAGE),
    Row("projects:phase_end", "POST", project("phase-end/"), PROJECT_MANAGE),
    Row(
        "projects:condition_meet",
        "GET",
        lambda w: f"/projects/{w.project.pk}/conditions/{w.project_condition.pk}/",
        PROJECT_MANAGE,
    ),
    Row(
        "projects:condition_meet",
        "POST",
        lambda w: f"/projects/{w.project.pk}/conditions/{w.project_condition.pk}/",
        PROJECT_MANAGE,
    ),
    Row("projects:disburse", "GET", project("money/disburse/"), PROJECT_MANAGE),
    Row("projects:disburse", "POST", project("money/disburse/"), PROJECT_MANAGE),
    Row("projects:refund", "GET", project("money/refund/"), PROJECT_MANAGE),
    Row("projects:refund", "POST", project("money/refund/"), PROJECT_MANAGE),
    Row("projects:release", "GET", project("money/release/"), PROJECT_MANAGE),
    Row("projects:release", "POST", project("money/release/"), PROJECT_MANAGE),
    # People: the owner's staff (and fund administrators, for the evaluator); only the owner's
    # staff end the project manager's assignment (the empty form comes back with an error).
    Row("projects:assign", "GET", project("people/"), PROJECT_ASSIGN),
    Row("projects:assign", "POST", project("people/"), PROJECT_ASSIGN),
    Row(
        "projects:assignment_end",
        "GET",
        lambda w: f"/projects/{w.project.pk}/people/{w.project_assignment.pk}/end/",
        PROJECT_LEAD,
    ),
    Row(
        "projects:assignment_end",
        "POST",
        lambda w: f"/projects/{w.project.pk}/people/{w.project_assignment.pk}/end/",
        PROJECT_LEAD,
    ),
    # The thread: the project's organisations and fund administrators write (an empty comment
    # comes back); whoever reads the project may withdraw (only the author's withdrawal acts,
    # the others are told on the page they are sent back to).
    Row("projects:comment", "GET", project("comments/"), POST_ONLY, html=False),
    Row("projects:comment", "POST", project("comments/"), PROJECT_COMMENT),
    Row(
        "projects:comment_withdraw",
        "POST",
        lambda w: f"/projects/{w.project.pk}/comments/{w.project_comment.pk}/withdraw/",
        PROJECT_FULL_REDIRECT,
    ),
    # Progress reports: the project manager writes (an empty save is a save), submits (refused
    # on the page: it is incomplete), attaches and removes; fund administrators and the city
    # director (and delegate) review (refused: it is not submitted) and return.
    Row("projects:report", "GET", report(), PROJECT_FULL),
    Row("projects:report_edit", "GET", report("edit/"), PROJECT_LEAD),
    Row("projects:report_edit", "POST", report("edit/"), PROJECT_LEAD_DONE),
    Row("projects:report_submit", "GET", report("submit/"), PROJECT_LEAD),
    Row("projects:report_submit", "POST", report("submit/"), PROJECT_LEAD),
    Row("projects:report_review", "GET", report("review/"), REPORT_REVIEW),
    Row("projects:report_review", "POST", report("review/"), REPORT_REVIEW),
    Row("projects:report_return", "GET", report("return/"), REPORT_REVIEW),
    Row("projects:report_return", "POST", report("return/"), REPORT_REVIEW),
    Row("projects:report_attachment_add", "GET", report("attachments/add/"), PROJECT_LEAD),
    Row("projects:report_attachment_add", "POST", report("attachments/add/"), PROJECT_LEAD),
    Row(
        "projects:report_attachment",
        "GET",
        lambda w: report(f"attachments/{w.report_attachment.pk}/")(w),
        PROJECT_FULL,
        html=False,
    ),
    Row(
        "projects:report_attachment_remove",
        "POST",
        lambda w: report(f"attachments/{w.report_attachment.pk}/remove/")(w),
        PROJECT_LEAD_DONE,
    ),
    Row("projects:report_comment", "POST", report("comments/"), REPORT_COMMENT),
    Row(
        "projects:report_comment_withdraw",
        "POST",
        lambda w: report(f"comments/{w.report_comment.pk}/withdraw/")(w),
        PROJECT_FULL_REDIRECT,
    ),
    # Change requests: the project manager starts (refused: the project is no longer running;
    # he is sent back to the page that says so), writes, sends and withdraws his draft; fund
    # administrators approve (refused on the page: it is a draft) or reject (a reason needed).
    Row(
        "projects:change_create",
        "POST",
        lambda w: f"/projects/{w.project.pk}/changes/new/change/",
        PROJECT_LEAD_DONE,
    ),
    Row("projects:change", "GET", change(), PROJECT_FULL),
    Row("projects:change_edit", "GET", change("edit/"), PROJECT_LEAD),
    Row("projects:change_edit", "POST", change("edit/"), PROJECT_LEAD),
    Row("projects:change_submit", "GET", change("submit/"), PROJECT_LEAD),
    Row("projects:change_submit", "POST", change("submit/"), PROJECT_LEAD),
    Row("projects:change_withdraw", "GET", change("withdraw/"), PROJECT_LEAD),
    Row("projects:change_withdraw", "POST", change("withdraw/"), PROJECT_LEAD_DONE),
    Row("projects:change_approve", "GET", change("approve/"), PROJECT_MANAGE),
    Row("projects:change_approve", "POST", change("approve/"), PROJECT_MANAGE),
    Row("projects:change_reject", "GET", change("reject/"), PROJECT_MANAGE),
    Row("projects:change_reject", "POST", change("reject/"), PROJECT_MANAGE),
    # The evaluation (completed): read by every reader of the project, the benefiting
    # organisation too; no longer editable (sent back to it); the benefiting organisation and
    # fund administrators comment on the rows.
    Row("projects:evaluation", "GET", project("evaluation/"), PROJECT_READ),
    Row(
        "projects:evaluation_edit",
        "GET",
        project("evaluation/edit/"),
        PROJECT_MANAGE_REDIRECT,
        html=False,
    ),
    Row("projects:evaluation_complete", "GET", project("evaluation/complete/"), PROJECT_MANAGE),
    Row("projects:evaluation_complete", "POST", project("evaluation/complete/"), PROJECT_MANAGE),
    Row(
        "projects:evaluation_attachment_add",
        "GET",
        project("evaluation/attachments/add/"),
        PROJECT_MANAGE,
    ),
    Row(
        "projects:evaluation_attachment",
        "GET",
        lambda w: project(f"evaluation/attachments/{w.evaluation_attachment.pk}/")(w),
        PROJECT_READ,
        html=False,
    ),
    Row("projects:evaluation_comment", "POST", project("evaluation/comments/"), EVALUATION_COMMENT),
    Row(
        "projects:evaluation_comment_withdraw",
        "POST",
        lambda w: project(f"evaluation/comments/{w.evaluation_comment.pk}/withdraw/")(w),
        PROJECT_READ_REDIRECT,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(client, row):
    check_row(client, row)

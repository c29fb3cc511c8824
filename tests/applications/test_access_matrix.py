"""The access matrix of the applications app's pages (calls, idea sketches, the council,
applications, the review, proposals and the board's decisions): every URL as every subject,
with real objects. The subjects, the world and the rules of a row: ``tests/matrix.py``."""

from __future__ import annotations

import pytest

from tests.matrix import (
    APPLICATION_COMMENT,
    APPLICATION_COMMENT_WITHDRAW,
    APPLICATION_DONE,
    APPLICATION_MANAGE,
    APPLICATION_READ,
    APPLICATION_WRITE,
    CASE_DONE,
    CASE_LIST,
    CASE_READ,
    CASE_WRITE,
    COUNCIL_READ,
    DRAFT_CASE_DONE,
    DRAFT_CASE_MANAGE,
    DRAFT_CASE_READ,
    DRAFT_CASE_WRITE,
    DRAFT_POST,
    DRAFT_READ,
    LOGGED_IN_200,
    MEMBER_TASK_READ,
    MEMBER_TASK_WRITE,
    NOBODY,
    ONLY_ADMIN,
    ONLY_ADMIN_POST,
    POST_ONLY,
    PREPARING_MANAGE,
    PREPARING_POST,
    PREPARING_READ,
    PROPOSAL_DIRECTOR,
    PROPOSAL_DIRECTOR_POST,
    PROPOSAL_LIST,
    PROPOSAL_MANAGE,
    PROPOSAL_MANAGE_POST,
    PROPOSAL_READ,
    PROPOSAL_SECRETARY,
    REVIEW_MANAGE,
    REVIEW_READ,
    REVIEWER_LIST,
    REVIEWER_TASK_READ,
    REVIEWER_TASK_WRITE,
    SKETCH_COMMENT,
    SKETCH_COMMENT_WITHDRAW,
    SKETCH_START,
    Row,
    application_url,
    assignment_url,
    attachment_url,
    check_row,
    item_url,
    proposal_url,
    sketch_url,
    unassign_url,
)

ROWS = [
    # --- calls
    Row("calls:list", "GET", lambda w: "/calls/", LOGGED_IN_200),
    Row("calls:create", "GET", lambda w: "/calls/new/", ONLY_ADMIN),
    Row("calls:create", "POST", lambda w: "/calls/new/", ONLY_ADMIN),
    Row("calls:detail", "GET", lambda w: f"/calls/{w.call.pk}/", LOGGED_IN_200),
    Row("calls:detail", "GET", lambda w: f"/calls/{w.draft_call.pk}/", DRAFT_READ),
    Row("calls:edit", "GET", lambda w: f"/calls/{w.call.pk}/edit/", ONLY_ADMIN),
    Row("calls:edit", "POST", lambda w: f"/calls/{w.call.pk}/edit/", ONLY_ADMIN),
    Row("calls:edit", "GET", lambda w: f"/calls/{w.draft_call.pk}/edit/", DRAFT_READ),
    Row("calls:publish", "POST", lambda w: f"/calls/{w.draft_call.pk}/publish/", DRAFT_POST),
    Row("calls:decide", "POST", lambda w: f"/calls/{w.call.pk}/decide/", ONLY_ADMIN_POST),
    Row("calls:cancel", "GET", lambda w: f"/calls/{w.call.pk}/cancel/", ONLY_ADMIN),
    Row("calls:cancel", "POST", lambda w: f"/calls/{w.call.pk}/cancel/", ONLY_ADMIN),
    Row("calls:document_add", "GET", lambda w: f"/calls/{w.call.pk}/documents/new/", ONLY_ADMIN),
    Row("calls:document_add", "POST", lambda w: f"/calls/{w.call.pk}/documents/new/", ONLY_ADMIN),
    Row(
        "calls:document",
        "GET",
        lambda w: f"/calls/{w.call.pk}/documents/{w.document.pk}/",
        LOGGED_IN_200,
        html=False,
    ),
    Row(
        "calls:document_withdraw",
        "POST",
        lambda w: f"/calls/{w.call.pk}/documents/{w.document.pk}/withdraw/",
        ONLY_ADMIN_POST,
    ),
    # --- idea sketches
    Row("sketches:list", "GET", lambda w: "/sketches/", CASE_LIST),
    # A non-profit partner never owns a case; only applicants of a city organisation start one.
    Row("sketches:create", "GET", lambda w: f"/sketches/new/?call={w.call.pk}", SKETCH_START),
    Row("sketches:create", "POST", lambda w: f"/sketches/new/?call={w.call.pk}", SKETCH_START),
    Row(
        "sketches:create",
        "GET",
        lambda w: f"/sketches/new/?call={w.draft_call.pk}",
        (302, 404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 302),
        html=False,
    ),
    Row("sketches:detail", "GET", sketch_url("draft_sketch"), DRAFT_CASE_READ),
    Row("sketches:detail", "GET", sketch_url("sketch"), CASE_READ),
    Row("sketches:edit", "GET", sketch_url("draft_sketch", "edit/"), DRAFT_CASE_WRITE),
    Row("sketches:edit", "POST", sketch_url("draft_sketch", "edit/"), DRAFT_CASE_WRITE),
    # Submitted: the owner is sent back to the sketch with a message.
    Row("sketches:edit", "GET", sketch_url("sketch", "edit/"), CASE_DONE, html=False),
    Row("sketches:edit", "POST", sketch_url("sketch", "edit/"), CASE_DONE),
    Row("sketches:submit", "GET", sketch_url("draft_sketch", "submit/"), DRAFT_CASE_WRITE),
    # The owner submits the (complete) draft: from then on it is a submitted sketch, which the
    # council member, the city director, the delegate and auditors may read (403, not 404).
    Row("sketches:submit", "POST", sketch_url("draft_sketch", "submit/"), CASE_DONE),
    Row("sketches:submit", "GET", sketch_url("sketch", "submit/"), CASE_WRITE),
    # Already submitted: the owner gets the page back with the refusal.
    Row("sketches:submit", "POST", sketch_url("sketch", "submit/"), CASE_WRITE),
    Row("sketches:receipt", "GET", sketch_url("sketch", "receipt/"), CASE_READ),
    Row("sketches:receipt", "GET", sketch_url("draft_sketch", "receipt/"), NOBODY, html=False),
    Row("sketches:withdraw", "GET", sketch_url("draft_sketch", "withdraw/"), DRAFT_CASE_WRITE),
    # The reason is optional: the owner withdraws the draft (it stays hidden from readers).
    Row("sketches:withdraw", "POST", sketch_url("draft_sketch", "withdraw/"), DRAFT_CASE_DONE),
    Row("sketches:withdraw", "GET", sketch_url("sketch", "withdraw/"), CASE_WRITE),
    Row("sketches:withdraw", "POST", sketch_url("sketch", "withdraw/"), CASE_DONE),
    # The owner starts the application (then edits it); later subjects meet the started one.
    Row("sketches:apply", "POST", sketch_url("applicable_sketch", "apply/"), CASE_DONE),
    # Not applicable: the owner is sent back with a message.
    Row("sketches:apply", "POST", sketch_url("draft_sketch", "apply/"), DRAFT_CASE_DONE),
    Row("sketches:comment", "POST", sketch_url("sketch", "comments/"), SKETCH_COMMENT),
    Row(
        "sketches:comment_withdraw",
        "POST",
        lambda w: f"/sketches/{w.sketch.pk}/comments/{w.sketch_comment.pk}/withdraw/",
        SKETCH_COMMENT_WITHDRAW,
    ),
    # --- the council
    Row("council:meetings", "GET", lambda w: "/council/meetings/", COUNCIL_READ),
    Row("council:meeting_create", "GET", lambda w: "/council/meetings/new/", ONLY_ADMIN),
    Row("council:meeting_create", "POST", lambda w: "/council/meetings/new/", ONLY_ADMIN),
    Row("council:meeting", "GET", lambda w: f"/council/meetings/{w.meeting.pk}/", COUNCIL_READ),
    Row(
        "council:sketch_decide",
        "GET",
        lambda w: f"/council/meetings/{w.meeting.pk}/sketches/{w.sketch.pk}/",
        ONLY_ADMIN,
    ),
    Row(
        "council:sketch_decide",
        "POST",
        lambda w: f"/council/meetings/{w.meeting.pk}/sketches/{w.sketch.pk}/",
        ONLY_ADMIN,
    ),
    Row(
        "council:sketch_decide",
        "GET",
        lambda w: f"/council/meetings/{w.meeting.pk}/sketches/{w.draft_sketch.pk}/",
        ONLY_ADMIN,
    ),
    # --- applications
    Row("applications:list", "GET", lambda w: "/applications/", CASE_LIST),
    Row("applications:detail", "GET", application_url("draft_application"), DRAFT_CASE_READ),
    Row("applications:detail", "GET", application_url("application"), APPLICATION_READ),
    Row(
        "applications:edit", "GET", application_url("draft_application", "edit/"), DRAFT_CASE_WRITE
    ),
    Row(
        "applications:edit",
        "POST",
        application_url("draft_application", "edit/"),
        DRAFT_CASE_WRITE,
    ),
    # Submitted: the owner is sent back to the application with a message.
    Row(
        "applications:edit",
        "GET",
        application_url("application", "edit/"),
        APPLICATION_DONE,
        html=False,
    ),
    Row("applications:edit", "POST", application_url("application", "edit/"), APPLICATION_DONE),
    Row(
        "applications:submit",
        "GET",
        application_url("draft_application", "submit/"),
        DRAFT_CASE_WRITE,
    ),
    # The owner submits the (complete) draft: from then on the readers of submitted cases may
    # see it (403, not 404).
    Row("applications:submit", "POST", application_url("draft_application", "submit/"), CASE_DONE),
    Row("applications:submit", "GET", application_url("application", "submit/"), APPLICATION_WRITE),
    # Already submitted: the owner gets the page back with the refusal.
    Row(
        "applications:submit", "POST", application_url("application", "submit/"), APPLICATION_WRITE
    ),
    Row(
        "applications:version",
        "GET",
        application_url("application", "versions/1/"),
        APPLICATION_READ,
    ),
    Row(
        "applications:version",
        "GET",
        application_url("draft_application", "versions/1/"),
        NOBODY,
        html=False,
    ),
    Row(
        "applications:compare", "GET", application_url("application", "compare/"), APPLICATION_READ
    ),
    # One version or none: those who may see the case are sent back to it.
    Row(
        "applications:compare",
        "GET",
        application_url("draft_application", "compare/"),
        (302, 302, 404, 404, 302, 302, 302, 404, 404, 302, 404, 404, 404, 404, 404, 302),
        html=False,
    ),
    Row(
        "applications:attachment_add",
        "GET",
        application_url("draft_application", "attachments/new/"),
        DRAFT_CASE_WRITE,
    ),
    Row(
        "applications:attachment_add",
        "POST",
        application_url("draft_application", "attachments/new/"),
        DRAFT_CASE_WRITE,
    ),
    Row(
        "applications:attachment_add",
        "GET",
        application_url("application", "attachments/new/"),
        APPLICATION_WRITE,
    ),
    Row(
        "applications:attachment_add",
        "POST",
        application_url("application", "attachments/new/"),
        APPLICATION_WRITE,
    ),
    Row(
        "applications:attachment", "GET", attachment_url("attachment"), APPLICATION_READ, html=False
    ),
    Row(
        "applications:attachment",
        "GET",
        attachment_url("draft_attachment"),
        DRAFT_CASE_READ,
        html=False,
    ),
    # The owner takes the file out of the draft (later subjects meet a removed attachment).
    Row(
        "applications:attachment_remove",
        "POST",
        attachment_url("draft_attachment", "remove/"),
        DRAFT_CASE_DONE,
    ),
    # Submitted: nothing is removed; the owner is sent back with a message.
    Row(
        "applications:attachment_remove",
        "POST",
        attachment_url("attachment", "remove/"),
        APPLICATION_DONE,
    ),
    Row(
        "applications:request_revision",
        "GET",
        application_url("application", "revision/"),
        APPLICATION_MANAGE,
    ),
    Row(
        "applications:request_revision",
        "POST",
        application_url("application", "revision/"),
        APPLICATION_MANAGE,
    ),
    Row(
        "applications:request_revision",
        "GET",
        application_url("draft_application", "revision/"),
        DRAFT_CASE_MANAGE,
    ),
    Row(
        "applications:withdraw",
        "GET",
        application_url("draft_application", "withdraw/"),
        DRAFT_CASE_WRITE,
    ),
    Row(
        "applications:withdraw",
        "POST",
        application_url("draft_application", "withdraw/"),
        DRAFT_CASE_WRITE,
    ),
    Row(
        "applications:withdraw",
        "GET",
        application_url("application", "withdraw/"),
        APPLICATION_WRITE,
    ),
    Row(
        "applications:withdraw",
        "POST",
        application_url("application", "withdraw/"),
        APPLICATION_WRITE,
    ),
    Row(
        "applications:comment",
        "POST",
        application_url("application", "comments/"),
        APPLICATION_COMMENT,
    ),
    Row(
        "applications:comment_withdraw",
        "POST",
        lambda w: f"/applications/{w.application.pk}/comments/{w.application_comment.pk}/withdraw/",
        APPLICATION_COMMENT_WITHDRAW,
    ),
    # --- the review
    Row("applications:review", "GET", application_url("application", "review/"), REVIEW_READ),
    Row(
        "applications:review_assign",
        "GET",
        application_url("application", "review/assign/"),
        REVIEW_MANAGE,
    ),
    Row(
        "applications:review_assign",
        "POST",
        application_url("application", "review/assign/"),
        REVIEW_MANAGE,
    ),
    Row("applications:review_unassign", "GET", unassign_url("council_assignment"), REVIEW_MANAGE),
    # No reason given: the fund administrator gets the form back and the assignment stays.
    Row("applications:review_unassign", "POST", unassign_url("council_assignment"), REVIEW_MANAGE),
    Row(
        "applications:recommend",
        "GET",
        application_url("application", "recommendation/"),
        REVIEW_MANAGE,
    ),
    Row(
        "applications:recommend",
        "POST",
        application_url("application", "recommendation/"),
        REVIEW_MANAGE,
    ),
    Row("reviews:list", "GET", lambda w: "/reviews/", REVIEWER_LIST),
    Row("reviews:assignment", "GET", assignment_url("council_assignment"), MEMBER_TASK_READ),
    Row(
        "reviews:assignment",
        "GET",
        assignment_url("reviewer_assignment"),
        REVIEWER_TASK_READ,
    ),
    # Already declared: the page is shown again, and the empty form is refused.
    Row(
        "reviews:declare",
        "GET",
        assignment_url("reviewer_assignment", "declare/"),
        REVIEWER_TASK_WRITE,
    ),
    Row(
        "reviews:declare",
        "POST",
        assignment_url("reviewer_assignment", "declare/"),
        REVIEWER_TASK_WRITE,
    ),
    Row(
        "reviews:declare",
        "GET",
        assignment_url("council_assignment", "declare/"),
        MEMBER_TASK_WRITE,
    ),
    Row(
        "reviews:statement",
        "GET",
        assignment_url("reviewer_assignment", "statement/"),
        REVIEWER_TASK_WRITE,
    ),
    Row(
        "reviews:statement",
        "POST",
        assignment_url("reviewer_assignment", "statement/"),
        REVIEWER_TASK_WRITE,
    ),
    Row(
        "reviews:score",
        "GET",
        assignment_url("council_assignment", "score/"),
        MEMBER_TASK_WRITE,
    ),
    Row(
        "reviews:score",
        "POST",
        assignment_url("council_assignment", "score/"),
        MEMBER_TASK_WRITE,
    ),
    # --- proposals to the board and the board's decisions
    Row("proposals:list", "GET", lambda w: "/proposals/", PROPOSAL_LIST),
    Row("proposals:create", "GET", lambda w: "/proposals/new/", POST_ONLY, html=False),
    # The call already has its proposal: the fund administrator is taken to it.
    Row(
        "proposals:create",
        "POST",
        lambda w: "/proposals/new/",
        (302, 403, 403, 403, 403, 403, 403, 403, 403, 302, 403, 403, 403, 403, 403, 302),
        data=lambda w: {"call": w.call.pk},
    ),
    Row("proposals:detail", "GET", proposal_url("proposal"), PROPOSAL_READ),
    Row("proposals:detail", "GET", proposal_url("draft_proposal"), PREPARING_READ),
    Row("proposals:detail", "GET", proposal_url("approved_proposal"), PROPOSAL_READ),
    # With the city director: the summary can no longer change (the form comes back refused).
    Row("proposals:edit", "GET", proposal_url("proposal", "edit/"), PROPOSAL_MANAGE),
    Row("proposals:edit", "POST", proposal_url("proposal", "edit/"), PROPOSAL_MANAGE),
    Row("proposals:edit", "GET", proposal_url("draft_proposal", "edit/"), PREPARING_MANAGE),
    Row("proposals:edit", "POST", proposal_url("draft_proposal", "edit/"), PREPARING_MANAGE),
    Row("proposals:submit", "GET", proposal_url("proposal", "submit/"), POST_ONLY, html=False),
    # Already sent: refused with a message on the proposal's page.
    Row("proposals:submit", "POST", proposal_url("proposal", "submit/"), PROPOSAL_MANAGE_POST),
    # No summary yet: refused with a message; it stays hidden from the board secretary.
    Row(
        "proposals:submit",
        "POST",
        proposal_url("draft_proposal", "submit/"),
        PREPARING_POST,
    ),
    Row("proposals:amounts", "GET", proposal_url("proposal", "amounts/"), PROPOSAL_DIRECTOR),
    # No amounts: the form comes back with the refusal.
    Row("proposals:amounts", "POST", proposal_url("proposal", "amounts/"), PROPOSAL_DIRECTOR),
    Row("proposals:approve", "GET", proposal_url("proposal", "approve/"), POST_ONLY, html=False),
    # The city director approves it (there is money enough); the delegate after him is told
    # it was already approved.
    Row("proposals:approve", "POST", proposal_url("proposal", "approve/"), PROPOSAL_DIRECTOR_POST),
    Row("proposals:return", "GET", proposal_url("proposal", "return/"), PROPOSAL_DIRECTOR),
    Row("proposals:return", "POST", proposal_url("proposal", "return/"), PROPOSAL_DIRECTOR),
    Row("proposals:decide", "GET", item_url("undecided_item"), PROPOSAL_SECRETARY),
    Row("proposals:decide", "POST", item_url("undecided_item"), PROPOSAL_SECRETARY),
    # Already decided: the board secretary is sent back to the proposal with a message.
    Row(
        "proposals:decide",
        "GET",
        item_url("decided_item"),
        (302, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403, 403, 302, 403, 404, 302),
        html=False,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(client, row):
    check_row(client, row)

"""The access matrix: every URL, requested with real objects as every kind of subject. Each
app lists the rows of its own URLs in ``tests/<app>/test_access_matrix.py``; this module holds
what they share (the subjects, the world, the statuses, ``check_row``), and
``tests/test_access_matrix.py`` checks that every URL pattern has a row.

Each row states the expected HTTP status for every subject, in the column order of SUBJECTS
(no wildcards). A URL pattern that is neither in the matrix nor in EXCLUDED (with its reason)
fails ``test_every_url_is_in_the_matrix``. POSTs send an empty form (a row's ``data`` only
where the URL names no object and the form must say which, as ``proposals:create``'s call): a
permitted subject gets the form back with errors (200) or a redirect, and nothing is changed by a
refused one. A confirmation form (send, approve) has no fields: its empty POST acts.

The world is built once per row, not per subject: a POST that succeeds for one subject changes
what the subjects after it in the same row see (those rows say so). The cases belong to Farsta
(the "applicant" subject's organisation) with a city co-owner and a non-profit partner; the
"conflicted_member" is a council member who works for the co-owner (not assignable: he takes
no part in the review and reads the case as the co-owner's staff).

The review and the decisions (BRIEF "Who sees what", "Conflict of interest"): the submitted
application has the "council_member" (of another organisation) assigned as council member and
the "reviewer" as scientific reviewer, both declared free of conflict, neither has scored or
written yet. Farsta's other applications, each scored by a council member who is no subject and
recommended for a grant: one in the same call, in the proposal sent to the city director (the
board secretary reads it); two in another call, in a proposal the city director approved, where
the board granted one (its project) and has still to decide the other; one in a third call, in
a proposal still being prepared (the board secretary does not see it). Later issues add subjects
(benefiting organisation...) with the objects that make them, and rows for their URLs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from applications import services as case_services
from applications.models import (
    ApplicabilityDecision,
    Application,
    ApplicationAttachment,
    ApplicationVersion,
    BoardDecision,
    Call,
    CallDocument,
    CouncilMeeting,
    CouncilRecommendation,
    IdeaSketch,
    Proposal,
    ProposalItem,
    ReviewAssignment,
    ReviewStatement,
    Score,
)
from applications.services import calls as call_services
from core import services
from core.models import (
    Comment,
    Delegation,
    EntryKind,
    Event,
    Fund,
    Invitation,
    LedgerEntry,
    Membership,
    Organisation,
    OrganisationKind,
    OutboundEmail,
    Role,
    RoleAssignment,
    User,
)
from core.services.users import token_hash
from projects import services as project_services
from projects.models import (
    ChangeRequest,
    Condition,
    Evaluation,
    ProgressReport,
    Project,
    ProjectAssignment,
    ReportAttachment,
)
from reclaim import services as reclaim_services
from reports.models import JobState, ReportJob, ReportKind
from tests import factories
from tests.applications.conftest import (
    COMPLETE_FIELDS,
    SKETCH_FIELDS,
    assign,
    complete_rows,
    criteria,
    declare,
    inject,
    recommend,
    score,
)

SUBJECTS = (
    "anonymous",
    "applicant",
    "other_applicant",
    "benefiting",
    "co_owner",
    "partner",
    "conflicted_member",
    "council_member",
    "reviewer",
    "fund_admin",
    "city_director",
    "delegate",
    "board_secretary",
    "auditor",
    "no_role",
    "deactivated",
)

# URL names that are not in the matrix, and why.
EXCLUDED = {
    "admin": "Django's admin has its own access control (active staff only); "
    "tests/core/test_admin.py checks it and that it is read-only.",
}


# The cases' titles, distinct so that a page can be searched for cases it must not show.
DRAFT_SKETCH = "Skiss Ekorre"
SUBMITTED_SKETCH = "Skiss Lodjur"
APPLIED_SKETCH = "Skiss Hermelin"
DRAFT_APPLIED_SKETCH = "Skiss Vessla"
APPLICABLE_SKETCH = "Skiss Utter"
APPLICATION = "Ansökan Hermelin"
DRAFT_APPLICATION = "Ansökan Vessla"
SKETCH_TITLES = {
    DRAFT_SKETCH,
    SUBMITTED_SKETCH,
    APPLIED_SKETCH,
    DRAFT_APPLIED_SKETCH,
    APPLICABLE_SKETCH,
}
APPLICATION_TITLES = {APPLICATION, DRAFT_APPLICATION}
CASE_TITLES = SKETCH_TITLES | APPLICATION_TITLES
# Farsta's applications in proposals to the board (their own sketches are "Skiss <title>").
PROPOSED = "Ansökan Bäver"
UNDECIDED = "Ansökan Mård"
GRANTED = "Ansökan Varg"
IN_PREPARATION = "Ansökan Älg"

# Who reviews, and what a score says: never shown to an applicant (BRIEF "Who sees what").
COUNCIL_MEMBER_NAME = "Rut Rådslid"
REVIEWER_NAME = "Vera Vetenskapsdotter"
SCORER_NAME = "Sture Poängsson"
SCORE_COMMENT = "Poängkommentar Järv"


@dataclass
class World:
    people: dict
    target: object
    future_role: object
    current_role: object
    future_membership: object
    current_membership: object
    delegation: object
    invitation_token: str
    fund: object = None
    entry: object = None
    organisation: object = None
    draft_call: object = None
    call: object = None
    document: object = None
    co_owner_organisation: object = None
    partner_organisation: object = None
    meeting: object = None
    draft_sketch: object = None
    sketch: object = None
    applicable_sketch: object = None
    application: object = None
    attachment: object = None
    draft_application: object = None
    draft_attachment: object = None
    scorer: object = None
    council_assignment: object = None
    reviewer_assignment: object = None
    proposal: object = None
    draft_proposal: object = None
    approved_proposal: object = None
    undecided_item: object = None
    decided_item: object = None
    project: object = None
    project_assignment: object = None
    project_condition: object = None
    project_report: object = None
    report_attachment: object = None
    report_comment: object = None
    project_change: object = None
    project_comment: object = None
    evaluation_attachment: object = None
    evaluation_comment: object = None
    reclaim_version: object = None
    reclaim_comment: object = None
    reorganisation: object = None
    report_job: object = None
    sketch_comment: object = None
    application_comment: object = None


def build_world() -> World:
    today = timezone.localdate()
    farsta = factories.OrganisationFactory(name="Farsta stadsdelsnämnd", short_name="Farsta")
    social = factories.OrganisationFactory(name="Socialnämnden", kind="specialist_committee")
    education = factories.OrganisationFactory(
        name="Utbildningsnämnden", kind="specialist_committee"
    )
    skarpnack = factories.OrganisationFactory(
        name="Skarpnäcks stadsdelsnämnd", short_name="Skarpnäck"
    )
    laslust = factories.OrganisationFactory(
        name="Föreningen Läslust", short_name="Läslust", kind=OrganisationKind.NONPROFIT
    )
    director = factories.person(Role.CITY_DIRECTOR, name="Stadsdirektören")
    delegate = factories.UserFactory(full_name="Ersättaren")
    delegation = factories.DelegationFactory(delegator=director, delegate=delegate)
    people = {
        "applicant": factories.person(Role.APPLICANT, organisation=farsta),
        "other_applicant": factories.person(Role.APPLICANT, organisation=social),
        "benefiting": factories.person(Role.APPLICANT, organisation=education),
        "co_owner": factories.person(Role.APPLICANT, organisation=skarpnack),
        "partner": factories.person(Role.APPLICANT, organisation=laslust),
        "conflicted_member": factories.person(Role.COUNCIL_MEMBER, organisation=skarpnack),
        "council_member": factories.person(
            Role.COUNCIL_MEMBER, organisation=social, name=COUNCIL_MEMBER_NAME
        ),
        "reviewer": factories.person(Role.SCIENTIFIC_REVIEWER, name=REVIEWER_NAME),
        "fund_admin": factories.person(Role.FUND_ADMIN),
        "city_director": director,
        "delegate": delegate,
        "board_secretary": factories.person(Role.BOARD_SECRETARY),
        "auditor": factories.person(Role.AUDITOR),
        "no_role": factories.UserFactory(),
        "deactivated": factories.person(Role.FUND_ADMIN, is_active=False),
    }
    target = factories.person(Role.APPLICANT, organisation=farsta, name="Tora Target")
    invited = factories.UserFactory(password=None)
    token = "matrix-invitation"
    Invitation.objects.create(
        user=invited,
        token_hash=token_hash(token),
        expires_at=timezone.now() + dt.timedelta(days=5),
    )
    fund = factories.FundFactory(name="Matrisfonden")
    entry = services.ledger_entry_record(
        actor=people["fund_admin"],
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=1_000_000,
        value_date=today,
        reference="KF",
        by_hand=True,
    )
    call_fields = {
        "fund": fund,
        "description": "Beskrivning",
        "indicative_budget": 1_000,
        "decision_route": "own_proposal",
    }
    # The draft's deadlines have passed, so that a fund administrator's publish is refused and
    # the draft stays a draft for the subjects after them.
    draft_call = call_services.call_create(
        actor=people["fund_admin"],
        title="Utkastet",
        idea_sketch_deadline=today - dt.timedelta(days=2),
        application_deadline=today - dt.timedelta(days=1),
        **call_fields,
    )
    call = call_services.call_create(
        actor=people["fund_admin"],
        title="Den publicerade",
        idea_sketch_deadline=today + dt.timedelta(days=10),
        application_deadline=today + dt.timedelta(days=20),
        **call_fields,
    )
    call = call_services.call_publish(actor=people["fund_admin"], call=call)
    document = CallDocument(
        call=call,
        title="Riktlinjer",
        original_name="riktlinjer.pdf",
        content_type="application/pdf",
        size=9,
    )
    document.file.save("riktlinjer.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    orgs = {"owner": farsta, "co_owner": skarpnack, "partner": laslust}
    cases = _build_cases(people, fund, call, **orgs)
    decisions = _build_review_and_decisions(
        people, fund, call, cases["meeting"], cases["application"], call_fields, **orgs
    )
    return World(
        **cases,
        **decisions,
        co_owner_organisation=skarpnack,
        partner_organisation=laslust,
        fund=fund,
        entry=entry,
        organisation=farsta,
        draft_call=draft_call,
        call=call,
        document=document,
        people=people,
        target=target,
        current_role=target.role_assignments.get(),
        future_role=factories.RoleAssignmentFactory(
            user=target, role=Role.AUDITOR, valid_from=today + dt.timedelta(days=30)
        ),
        current_membership=target.memberships.get(),
        future_membership=factories.MembershipFactory(
            user=target, organisation=social, valid_from=today + dt.timedelta(days=30)
        ),
        delegation=delegation,
        invitation_token=token,
    )


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _build_cases(people, fund, call, *, owner, co_owner, partner) -> dict:
    """Farsta's cases in the published call, each with Skarpnäck as co-owner and Läslust as
    partner: a draft sketch; a submitted one; three judged applicable at the meeting (where the
    conflicted member takes no part), one with a submitted application (two versions and an
    attachment), one with a draft application (and an attachment), one not applied for yet."""
    applicant, admin = people["applicant"], people["fund_admin"]
    today = timezone.localdate()
    meeting = case_services.council_meeting_create(
        actor=admin,
        fund=fund,
        held_on=today,
        members=[people["council_member"], people["conflicted_member"]],
    )

    def sketch(title: str, *, submit: bool = False, applicable: bool = False):
        created = case_services.idea_sketch_create(
            actor=applicant,
            call=call,
            owner=owner,
            co_owners=[co_owner],
            partners=[partner],
            **{**SKETCH_FIELDS, "title": title},
        )
        if submit or applicable:
            case_services.idea_sketch_submit(actor=applicant, sketch=created)
        if applicable:
            case_services.applicability_decide(
                actor=admin, sketch=created, meeting=meeting, outcome="applicable", reason="Bra."
            )
        created.refresh_from_db()
        return created

    def complete(application, **fields):
        return case_services.application_update(
            actor=applicant,
            application=application,
            co_owners=[co_owner],
            partners=[partner],
            rows=complete_rows(application, today.year),
            planned_start=dt.date(today.year, 1, 1),
            planned_end=dt.date(today.year, 12, 31),
            amount_requested=3_000_000,
            **{**COMPLETE_FIELDS, **fields},
        )

    draft_sketch = sketch(DRAFT_SKETCH)
    submitted = sketch(SUBMITTED_SKETCH, submit=True)
    applied = sketch(APPLIED_SKETCH, applicable=True)
    draft_applied = sketch(DRAFT_APPLIED_SKETCH, applicable=True)
    applicable = sketch(APPLICABLE_SKETCH, applicable=True)

    application = case_services.application_create(actor=applicant, sketch=applied)
    application = complete(application, title=APPLICATION)
    attachment = case_services.application_attachment_add(
        actor=applicant, application=application, title="Projektplan", uploaded=_pdf("plan.pdf")
    )
    case_services.application_submit(actor=applicant, application=application)
    # Returned for revision and submitted again, so that there are two versions to compare.
    case_services.application_request_revision(
        actor=admin, application=application, message="Förtydliga utvärderingen."
    )
    application = complete(application, evaluator="FoU-enheten och en extern utvärderare")
    case_services.application_submit(actor=applicant, application=application)
    application.refresh_from_db()

    draft_application = case_services.application_create(actor=applicant, sketch=draft_applied)
    draft_application = complete(draft_application, title=DRAFT_APPLICATION)
    draft_attachment = case_services.application_attachment_add(
        actor=applicant,
        application=draft_application,
        title="Budgetunderlag",
        uploaded=_pdf("budget.pdf"),
    )
    return {
        "meeting": meeting,
        "draft_sketch": draft_sketch,
        "sketch": submitted,
        "applicable_sketch": applicable,
        "application": application,
        "attachment": attachment,
        "draft_application": draft_application,
        "draft_attachment": draft_attachment,
        "sketch_comment": services.comment_add(
            actor=people["co_owner"],
            target=submitted,
            text="Vi deltar gärna.",
            organisation=co_owner,
        ),
        "application_comment": services.comment_add(
            actor=people["co_owner"],
            target=application,
            text="Budgeten ser bra ut.",
            organisation=co_owner,
        ),
    }


def _recommended(people, scorer, call, meeting, title, *, owner, co_owner, partner):
    """A submitted application of ``owner`` (with the co-owner and the partner) in ``call``,
    scored by ``scorer`` and recommended for a grant of the 3 000 000 kr applied for."""
    applicant, admin = people["applicant"], people["fund_admin"]
    year = timezone.localdate().year
    sketch = case_services.idea_sketch_create(
        actor=applicant,
        call=call,
        owner=owner,
        co_owners=[co_owner],
        partners=[partner],
        **{**SKETCH_FIELDS, "title": title.replace("Ansökan", "Skiss")},
    )
    case_services.idea_sketch_submit(actor=applicant, sketch=sketch)
    case_services.applicability_decide(
        actor=admin, sketch=sketch, meeting=meeting, outcome="applicable", reason="Bra."
    )
    sketch.refresh_from_db()
    application = case_services.application_create(actor=applicant, sketch=sketch)
    application = case_services.application_update(
        actor=applicant,
        application=application,
        co_owners=[co_owner],
        partners=[partner],
        rows=complete_rows(application, year),
        planned_start=dt.date(year, 1, 1),
        planned_end=dt.date(year, 12, 31),
        amount_requested=3_000_000,
        **{**COMPLETE_FIELDS, "title": title},
    )
    case_services.application_submit(actor=applicant, application=application)
    application.refresh_from_db()
    assignment = declare(assign(application, admin, scorer))
    score(assignment, comment=SCORE_COMMENT, criteria=criteria(comment=SCORE_COMMENT))
    recommend(application, admin, meeting)
    application.refresh_from_db()
    return application


def _proposal(admin, call, *, summary: str = "Rådet föreslår.", submit: bool = True):
    proposal = case_services.proposal_create(actor=admin, call=call)
    if summary:
        proposal = case_services.proposal_update(actor=admin, proposal=proposal, summary=summary)
    if submit:
        proposal = case_services.proposal_submit(actor=admin, proposal=proposal)
    return proposal


def _build_review_and_decisions(people, fund, call, meeting, application, call_fields, **orgs):
    """The review of the submitted application, and Farsta's other applications in proposals
    to the board (see the module's docstring)."""
    admin, today = people["fund_admin"], timezone.localdate()
    council_assignment = declare(assign(application, admin, people["council_member"]))
    reviewer_assignment = declare(assign(application, admin, people["reviewer"], kind="scientific"))
    scorer = factories.person(Role.COUNCIL_MEMBER, name=SCORER_NAME)

    def published(title: str):
        created = call_services.call_create(
            actor=admin,
            title=title,
            idea_sketch_deadline=today + dt.timedelta(days=10),
            application_deadline=today + dt.timedelta(days=20),
            **call_fields,
        )
        return call_services.call_publish(actor=admin, call=created)

    def recommended(title: str, in_call):
        return _recommended(people, scorer, in_call, meeting, title, **orgs)

    # Enough money for every proposal (the grant, and the city director's approval in a row).
    inject(fund, admin, 20_000_000)
    recommended(PROPOSED, call)
    proposal = _proposal(admin, call)

    decided_call = published("Den beslutade")
    undecided = recommended(UNDECIDED, decided_call)
    granted = recommended(GRANTED, decided_call)
    approved = _proposal(admin, decided_call)
    approved = case_services.proposal_approve(actor=people["city_director"], proposal=approved)
    decided_item = approved.items.get(application=granted)
    decision = case_services.board_decision_record(
        actor=people["board_secretary"],
        item=decided_item,
        meeting_date=today,
        paragraph="7",
        board_reference=f"KS {today.year}/77",
        outcome="granted",
        conditions="Projektledaren ska vara utsedd.",
    )

    # No summary yet: a fund administrator's send is refused and it stays in preparation.
    preparing_call = published("Den förberedda")
    recommended(IN_PREPARATION, preparing_call)
    draft_proposal = _proposal(admin, preparing_call, summary="", submit=False)
    return {
        "scorer": scorer,
        "council_assignment": council_assignment,
        "reviewer_assignment": reviewer_assignment,
        "proposal": proposal,
        "draft_proposal": draft_proposal,
        "approved_proposal": approved,
        "undecided_item": approved.items.get(application=undecided),
        "decided_item": decided_item,
        **_build_project(people, Project.objects.get(board_decision=decision), orgs),
    }


def _build_project(people, project, orgs) -> dict:
    """The granted project through its life: its condition met and the "applicant" (the
    owner's staff) named project manager, started, paid, its first progress report due (with an
    attachment and a comment), a change approved (two versions) and another in draft, its
    investment phase ended and its evaluation completed, naming the "benefiting" subject's
    organisation; comments in its thread, on the evaluation and on the submitted sketch and
    application by the co-owner's and the benefiting organisation's people."""
    applicant, admin = people["applicant"], people["fund_admin"]
    year = project.starts_on.year
    for condition in project.conditions.all():
        project_services.condition_meet(actor=admin, condition=condition)
    assignment = project_services.project_assign(
        actor=applicant,
        project=project,
        role="manager",
        person=applicant,
        organisation=project.owner,
    )
    project_services.project_activate(actor=admin, project=project)
    project_services.disbursement_record(
        actor=admin,
        project=project,
        year=year,
        recipient=project.owner,
        amount=100_000,
        value_date=timezone.localdate(),
    )
    project_services.progress_reports_create_due(project=project, today=dt.date(year, 4, 30))
    report = project.reports.get()
    report_attachment = project_services.report_attachment_add(
        actor=applicant, report=report, title="Bilaga", uploaded=_pdf("bilaga.pdf")
    )
    approved = project_services.change_request_create(
        actor=applicant, project=project, kind="change"
    )
    project_services.change_request_update(
        actor=applicant, change=approved, reason="Ny inriktning.", scope="Även föräldrar."
    )
    project_services.change_request_submit(actor=applicant, change=approved)
    project_services.change_request_approve(actor=admin, change=approved)
    change = project_services.change_request_create(actor=applicant, project=project, kind="change")
    project_services.project_phase_end(actor=admin, project=project, today=dt.date(year, 12, 31))
    evaluation = project_services.evaluation_update(
        actor=admin,
        project=project,
        design="before_after",
        results="Färre placeringar.",
        economic_effects=True,
        savings=[(people["benefiting"].memberships.get().organisation_id, year + 1, 50_000, "")],
    )
    evaluation_attachment = project_services.evaluation_attachment_add(
        actor=admin, evaluation=evaluation, title="Rapport", uploaded=_pdf("rapport.pdf")
    )
    project_services.evaluation_complete(actor=admin, evaluation=evaluation)
    plan = reclaim_services.reclaim_plan_draft(actor=admin, project=project)
    co_owner = people["co_owner"]
    benefiting = people["benefiting"].memberships.get().organisation
    say = services.comment_add
    return {
        "project": project,
        "project_assignment": assignment,
        "project_condition": project.conditions.get(),
        "project_report": report,
        "report_attachment": report_attachment,
        "report_comment": say(
            actor=applicant, target=report, text="Se bilagan.", organisation=project.owner
        ),
        "project_change": change,
        "project_comment": say(
            actor=co_owner, target=project, text="Bra.", organisation=orgs["co_owner"]
        ),
        "evaluation_attachment": evaluation_attachment,
        "reclaim_version": plan.versions.get(),
        "evaluation_comment": say(
            actor=people["benefiting"],
            target=evaluation,
            text="Stämmer.",
            organisation=benefiting,
            about=benefiting,
        ),
        "reclaim_comment": say(
            actor=people["benefiting"],
            target=plan,
            text="Beloppet stämmer.",
            organisation=benefiting,
            about=benefiting,
        ),
        "report_job": _report_job(project.registration.fund, people["city_director"]),
        "reorganisation": services.reorganisation_record(
            actor=admin,
            organisation=factories.OrganisationFactory(name="Gamla nämnden"),
            effective_from=timezone.localdate(),
            decided_on=timezone.localdate(),
            decision_reference="KF 1",
            shares=[(factories.OrganisationFactory(name="Nya nämnden"), 100)],
        ),
    }


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: Callable[[World], str]
    expected: tuple[int, ...]
    # False for machine endpoints, and for GETs that show no subject a page (all refused or
    # redirected): the browser tests skip them.
    html: bool = True
    # What a POST sends instead of an empty form (see the module's docstring).
    data: Callable[[World], dict] | None = None

    def __post_init__(self):
        assert len(self.expected) == len(SUBJECTS), f"{self.name}: one status per subject"


def user_url(suffix=""):
    return lambda w: f"/users/{w.target.pk}/{suffix}"


def codes(text: str) -> tuple[int, ...]:
    """A row's statuses, one per subject in the column order below."""
    return tuple(int(code) for code in text.split())


# Columns: anonymous, applicant, other_applicant, benefiting, co_owner, partner, conflicted_member,
#          council_member, reviewer, fund_admin, city_director, delegate, board_secretary,
#          auditor, no_role, deactivated
ALL_200 = (200,) * 16
LOGGED_IN_200 = codes("302 200 200 200 200 200 200 200 200 200 200 200 200 200 200 302")
ADMIN_WRITE = codes("302 404 404 404 404 404 404 404 404 200 404 404 404 403 404 302")
ADMIN_POST = codes("302 404 404 404 404 404 404 404 404 302 404 404 404 403 404 302")
# Funds, the ledger and the register: fund administrators write; the city director, the delegate
# and auditors read; a list refuses others with 403, an object hides itself with 404.
FUND_LIST = codes("302 403 403 403 403 403 403 403 403 200 200 200 403 200 403 302")
FUND_READ = codes("302 404 404 404 404 404 404 404 404 200 200 200 404 200 404 302")
FUND_WRITE = codes("302 404 404 404 404 404 404 404 404 200 403 403 404 403 404 302")
ONLY_ADMIN = codes("302 403 403 403 403 403 403 403 403 200 403 403 403 403 403 302")
ONLY_ADMIN_POST = codes("302 403 403 403 403 403 403 403 403 302 403 403 403 403 403 302")
DRAFT_READ = codes("302 404 404 404 404 404 404 404 404 200 404 404 404 404 404 302")
DRAFT_POST = codes("302 404 404 404 404 404 404 404 404 302 404 404 404 404 404 302")
# Sketches and applications (BRIEF "Who sees what"). The owner's applicants write; the co-owner's
# and the partner's people read, drafts too (the conflicted member reads as the co-owner's staff,
# not as a council member); fund administrators read everything and write nothing of the case
# but the council's decisions and revision requests; the city director, the delegate, auditors
# and council members without a conflict read what has been submitted. Everyone else: 404.
# Lists: anyone with an organisation or a reading role (the list shows what they may see).
CASE_LIST = codes("302 200 200 200 200 200 200 200 403 200 200 200 403 200 403 302")
SKETCH_START = codes("302 200 200 200 200 403 403 403 403 403 403 403 403 403 403 302")
DRAFT_CASE_READ = codes("302 200 404 404 200 200 200 404 404 200 404 404 404 404 404 302")
CASE_READ = codes("302 200 404 404 200 200 200 200 404 200 200 200 404 200 404 302")
DRAFT_CASE_WRITE = codes("302 200 404 404 403 403 403 404 404 403 404 404 404 404 404 302")
DRAFT_CASE_DONE = codes("302 302 404 404 403 403 403 404 404 403 404 404 404 404 404 302")
CASE_WRITE = codes("302 200 404 404 403 403 403 403 404 403 403 403 404 403 404 302")
CASE_DONE = codes("302 302 404 404 403 403 403 403 404 403 403 403 404 403 404 302")
DRAFT_CASE_MANAGE = codes("302 403 404 404 403 403 403 404 404 200 404 404 404 404 404 302")
NOBODY = codes("302 404 404 404 404 404 404 404 404 404 404 404 404 404 404 302")
# The submitted application has the "reviewer" assigned as its scientific reviewer, who reads it
# (and may not change it: 403) as those who read submitted cases do.
APPLICATION_READ = codes("302 200 404 404 200 200 200 200 200 200 200 200 404 200 404 302")
APPLICATION_WRITE = codes("302 200 404 404 403 403 403 403 403 403 403 403 404 403 404 302")
APPLICATION_DONE = codes("302 302 404 404 403 403 403 403 403 403 403 403 404 403 404 302")
APPLICATION_MANAGE = codes("302 403 404 404 403 403 403 403 403 200 403 403 404 403 404 302")
# The council's meetings: recorded by fund administrators; read by those who read every
# non-draft record: the city director (and delegate) and auditors (BRIEF "Who uses it").
COUNCIL_READ = codes("302 403 403 403 403 403 403 403 403 200 200 200 403 200 403 302")
# The review (BRIEF "Who sees what", "Conflict of interest"): applicants never reach it, not even
# the owner's; those who read everything and the application's assigned reviewers read it; the
# conflicted member (not assigned) does not. Fund administrators assign and record the
# council's recommendation; the others who may read get 403.
REVIEW_READ = codes("302 404 404 404 404 404 404 200 200 200 200 200 404 200 404 302")
REVIEW_MANAGE = codes("302 404 404 404 404 404 404 403 403 200 403 403 404 403 404 302")
# "My reviews": council members and scientific reviewers.
REVIEWER_LIST = codes("302 403 403 403 403 403 200 200 200 403 403 403 403 403 403 302")
# An assignment ("task") is its reviewer's, who declares, scores or writes; fund administrators
# read it. Someone else's assignment: 404. The council member's, and the scientific reviewer's.
MEMBER_TASK_READ = codes("302 404 404 404 404 404 404 200 404 200 404 404 404 404 404 302")
MEMBER_TASK_WRITE = codes("302 404 404 404 404 404 404 200 404 403 404 404 404 404 404 302")
REVIEWER_TASK_READ = codes("302 404 404 404 404 404 404 404 200 200 404 404 404 404 404 302")
REVIEWER_TASK_WRITE = codes("302 404 404 404 404 404 404 404 200 403 404 404 404 404 404 302")
# Proposals to the board: read by those who read everything and by the board secretary once the
# proposal has been sent to the city director; everyone else 403 on the list, 404 on a proposal.
# Fund administrators prepare and send it, the city director and the delegate change amounts,
# approve or send it back, the board secretary records the board's decisions.
PROPOSAL_LIST = codes("302 403 403 403 403 403 403 403 403 200 200 200 200 200 403 302")
PROPOSAL_READ = codes("302 404 404 404 404 404 404 404 404 200 200 200 200 200 404 302")
PREPARING_READ = codes("302 404 404 404 404 404 404 404 404 200 200 200 404 200 404 302")
PROPOSAL_MANAGE = codes("302 404 404 404 404 404 404 404 404 200 403 403 403 403 404 302")
PROPOSAL_MANAGE_POST = codes("302 404 404 404 404 404 404 404 404 302 403 403 403 403 404 302")
# The proposal still being prepared: hidden from the board secretary.
PREPARING_MANAGE = codes("302 404 404 404 404 404 404 404 404 200 403 403 404 403 404 302")
PREPARING_POST = codes("302 404 404 404 404 404 404 404 404 302 403 403 404 403 404 302")
PROPOSAL_DIRECTOR = codes("302 404 404 404 404 404 404 404 404 403 200 200 403 403 404 302")
PROPOSAL_DIRECTOR_POST = codes("302 404 404 404 404 404 404 404 404 403 302 302 403 403 404 302")
PROPOSAL_SECRETARY = codes("302 404 404 404 404 404 404 404 404 403 403 403 200 403 404 302")
# A POST-only URL asked with GET: nothing is done (405).
POST_ONLY = codes("302 405 405 405 405 405 405 405 405 405 405 405 405 405 405 302")
# Projects: those who see the granted application (its organisations, those who read
# everything, council members not in conflict, the board secretary) read all of it; the
# "benefiting" subject's organisation, named in the evaluation, reads the summary and the
# evaluation (404 on the other pages). The list: anyone who reads everything or belongs to an
# organisation (it shows their own projects). The "applicant" is the owner's staff and the
# project manager: he names people, writes the progress reports and the change requests. Fund
# administrators manage (conditions, states, money, changes, evaluation); they and the city
# director (and delegate) review progress reports. A refused action a page explains is 200.
# The owner is named in its own benefits plan, so its staff comment on the evaluation's rows
# about the owner as the benefiting organisation does on its own.
PROJECT_LIST = codes("302 200 200 200 200 200 200 200 403 200 200 200 200 200 403 302")
PROJECT_READ = codes("302 200 404 200 200 200 200 200 404 200 200 200 200 200 404 302")
PROJECT_FULL = codes("302 200 404 404 200 200 200 200 404 200 200 200 200 200 404 302")
PROJECT_FULL_REDIRECT = codes("302 302 404 404 302 302 302 302 404 302 302 302 302 302 404 302")
PROJECT_READ_REDIRECT = codes("302 302 404 302 302 302 302 302 404 302 302 302 302 302 404 302")
PROJECT_MANAGE = codes("302 403 404 404 403 403 403 403 404 200 403 403 403 403 404 302")
PROJECT_MANAGE_REDIRECT = codes("302 403 404 404 403 403 403 403 404 302 403 403 403 403 404 302")
PROJECT_LEAD = codes("302 200 404 404 403 403 403 403 404 403 403 403 403 403 404 302")
PROJECT_LEAD_DONE = codes("302 302 404 404 403 403 403 403 404 403 403 403 403 403 404 302")
PROJECT_ASSIGN = codes("302 200 404 404 403 403 403 403 404 200 403 403 403 403 404 302")
REPORT_REVIEW = codes("302 403 404 404 403 403 403 403 404 200 200 200 403 403 404 302")
REPORT_COMMENT = codes("302 200 404 404 403 403 403 403 404 200 200 200 403 403 404 302")
PROJECT_COMMENT = codes("302 200 404 404 200 200 200 403 404 200 403 403 403 403 404 302")
# Reclaim plans: whoever reads the project reads its plan (a benefiting organisation its own
# lines); fund administrators draft, change and send a version; the city director and the
# delegate decide it or send it back. The world's plan is drafted (version 1, being drafted).
RECLAIM_MANAGE = codes("302 403 404 403 403 403 403 403 404 200 403 403 403 403 404 302")
RECLAIM_MANAGE_REDIRECT = codes("302 403 404 403 403 403 403 403 404 302 403 403 403 403 404 302")
RECLAIM_DECIDE = codes("302 403 404 403 403 403 403 403 404 403 200 200 403 403 404 302")
EVALUATION_COMMENT = codes("302 200 404 200 403 403 403 403 404 200 403 403 403 403 404 302")


def sketch_url(attribute: str, suffix: str = ""):
    return lambda w: f"/sketches/{getattr(w, attribute).pk}/{suffix}"


def application_url(attribute: str, suffix: str = ""):
    return lambda w: f"/applications/{getattr(w, attribute).pk}/{suffix}"


def unassign_url(attribute: str):
    def path(w):
        assignment = getattr(w, attribute)
        return (
            f"/applications/{assignment.application_id}/review/assignments/{assignment.pk}/remove/"
        )

    return path


def assignment_url(attribute: str, suffix: str = ""):
    return lambda w: f"/reviews/{getattr(w, attribute).pk}/{suffix}"


def proposal_url(attribute: str, suffix: str = ""):
    return lambda w: f"/proposals/{getattr(w, attribute).pk}/{suffix}"


def item_url(attribute: str):
    def path(w):
        item = getattr(w, attribute)
        return f"/proposals/{item.proposal_id}/items/{item.pk}/decision/"

    return path


def attachment_url(attribute: str, suffix: str = ""):
    def path(w):
        attachment = getattr(w, attribute)
        return f"/applications/{attachment.application_id}/attachments/{attachment.pk}/{suffix}"

    return path


def state() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "full_name", "is_active", "language", "is_staff", "password"
            )
        ),
        list(
            RoleAssignment.objects.order_by("pk").values_list("pk", "valid_until", "withdrawn_at")
        ),
        list(Membership.objects.order_by("pk").values_list("pk", "valid_until", "withdrawn_at")),
        list(Delegation.objects.order_by("pk").values_list("pk", "valid_until", "ended_at")),
        list(Invitation.objects.order_by("pk").values_list("pk", "accepted_at", "revoked_at")),
        Event.objects.count(),
        OutboundEmail.objects.count(),
        LedgerEntry.objects.count(),
        list(Organisation.objects.order_by("pk").values_list("pk", "name", "active_until")),
        list(Fund.objects.order_by("pk").values_list("pk", "name", "started_on")),
        list(Call.objects.order_by("pk").values_list("pk", "state", "title")),
        list(CallDocument.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        list(IdeaSketch.objects.order_by("pk").values_list("pk", "state", "title")),
        list(
            Application.objects.order_by("pk").values_list(
                "pk", "state", "current_version", "title"
            )
        ),
        ApplicationVersion.objects.count(),
        list(ApplicationAttachment.objects.order_by("pk").values_list("pk", "removed_at")),
        ApplicabilityDecision.objects.count(),
        CouncilMeeting.objects.count(),
        list(
            ReviewAssignment.objects.order_by("pk").values_list(
                "pk", "declared_at", "conflict_declared_at", "removed_at"
            )
        ),
        Score.objects.count(),
        ReviewStatement.objects.count(),
        list(
            CouncilRecommendation.objects.order_by("pk").values_list(
                "pk", "outcome", "amount", "recorded_at"
            )
        ),
        list(
            Proposal.objects.order_by("pk").values_list(
                "pk", "state", "summary", "submitted_at", "approved_at"
            )
        ),
        list(ProposalItem.objects.order_by("pk").values_list("pk", "amount")),
        BoardDecision.objects.count(),
        list(Project.objects.order_by("pk").values_list("pk", "state", "current_version")),
        list(
            ProjectAssignment.objects.order_by("pk").values_list(
                "pk", "valid_until", "withdrawn_at"
            )
        ),
        list(Condition.objects.order_by("pk").values_list("pk", "met_on")),
        list(ProgressReport.objects.order_by("pk").values_list("pk", "state", "narrative")),
        list(ReportAttachment.objects.order_by("pk").values_list("pk", "removed_at")),
        list(ChangeRequest.objects.order_by("pk").values_list("pk", "state", "reason")),
        list(Evaluation.objects.order_by("pk").values_list("pk", "state", "results")),
        list(Comment.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        list(ReportJob.objects.order_by("pk").values_list("pk", "state", "sent_at")),
    )


PDF_STUB = b"%PDF-1.7\n%%EOF\n"


def _report_job(fund, requester):
    """The city director's portfolio report, produced (a small PDF stands in for it)."""
    job = ReportJob.objects.create(
        kind=ReportKind.PORTFOLIO,
        fund=fund,
        value_date=timezone.localdate(),
        requester=requester,
        state=JobState.DONE,
        progress=100,
        pages=1,
        size=len(PDF_STUB),
        checksum=hashlib.sha256(PDF_STUB).hexdigest(),
        finished_at=timezone.now(),
    )
    job.file.save(job.file_name, ContentFile(PDF_STUB))
    return job


def refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def check_row(client, row) -> None:
    """Request the row's URL as every subject: each gets its expected status, and a refused
    request changes nothing."""
    world = build_world()
    path = row.path(world)
    mismatches = []
    for subject, expected in zip(SUBJECTS, row.expected, strict=True):
        client.logout()
        if subject != "anonymous":
            client.force_login(world.people[subject])
        before = state()
        if row.method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, row.data(world) if row.data else {})
        if response.status_code != expected:
            mismatches.append(f"{subject}: expected {expected}, got {response.status_code}")
        private = subject != "anonymous" and response.wsgi_request.user.is_authenticated
        if private and "no-store" not in response.get("Cache-Control", ""):
            mismatches.append(f"{subject}: a private page without Cache-Control: no-store")
        if refused(response) and state() != before:
            mismatches.append(f"{subject}: refused ({response.status_code}) but changed data")
    assert not mismatches, f"{row.method} {path}:\n  " + "\n  ".join(mismatches)


def url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace and pattern.namespace in EXCLUDED:
                continue
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


# The threads of sketches and applications: those who read the case may open it (the GET is
# refused: POST only); the case's organisations and fund administrators write (an empty comment
# comes back); whoever reads the case may ask to withdraw (only the author's request acts, the
# others are told so on the case page they are sent back to).
SKETCH_COMMENT = codes("302 200 404 404 200 200 200 403 404 200 403 403 404 403 404 302")
SKETCH_COMMENT_WITHDRAW = codes("302 302 404 404 302 302 302 302 404 302 302 302 404 302 404 302")
APPLICATION_COMMENT = codes("302 200 404 404 200 200 200 403 403 200 403 403 404 403 404 302")
APPLICATION_COMMENT_WITHDRAW = codes(
    "302 302 404 404 302 302 302 302 302 302 302 302 404 302 404 302"
)

"""The state machines of calls, idea sketches, applications and proposals, and the date rules
that go with them. Services check transitions here; pages ask here which actions to offer.

Calls: draft -> published -> decided, or cancelled. Sketches: draft -> submitted -> applicable,
not applicable or returned for completion (-> submitted again); withdrawn until decided.
Applications: draft -> submitted -> recommended -> granted or rejected, with returned for
revision (-> submitted again), withdrawn before the recommendation, and not proposed for what is
still open when the board's decisions on the call are recorded. Proposals: draft -> submitted
(to the city director) -> approved -> decided (by the board), or returned (-> submitted again).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import (
    ApplicabilityOutcome,
    ApplicationState,
    BoardOutcome,
    CallState,
    ProposalState,
    ReviewKind,
    SketchState,
)
from core.errors import DomainError
from core.states import StateMachine

C, S, A, P = CallState, SketchState, ApplicationState, ProposalState

CALL = StateMachine(
    choices=CallState,
    transitions={
        C.DRAFT: {C.PUBLISHED, C.CANCELLED},
        C.PUBLISHED: {C.DECIDED, C.CANCELLED},
        C.DECIDED: set(),
        C.CANCELLED: set(),
    },
    editable={C.DRAFT, C.PUBLISHED},
    refusal=gettext_lazy("A call that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy("A call that is %(state)s can no longer be changed."),
)

SKETCH = StateMachine(
    choices=SketchState,
    transitions={
        S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
        S.SUBMITTED: {S.APPLICABLE, S.NOT_APPLICABLE, S.RETURNED, S.WITHDRAWN},
        S.RETURNED: {S.SUBMITTED, S.WITHDRAWN},
        S.APPLICABLE: set(),
        S.NOT_APPLICABLE: set(),
        S.WITHDRAWN: set(),
    },
    editable={S.DRAFT, S.RETURNED},
    refusal=gettext_lazy("An idea sketch that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy("An idea sketch that is %(state)s can no longer be changed."),
)
# What the council's applicability decision makes of the sketch, and the states in which a
# sketch waits for it (those from which every outcome may follow).
OUTCOME_STATE = {
    ApplicabilityOutcome.APPLICABLE: S.APPLICABLE,
    ApplicabilityOutcome.NOT_APPLICABLE: S.NOT_APPLICABLE,
    ApplicabilityOutcome.RETURNED: S.RETURNED,
}
AWAITING_COUNCIL = frozenset(
    state for state in S if all(SKETCH.allows(state, to) for to in OUTCOME_STATE.values())
)

# Recommended: the council's recommendation is recorded (and may be recorded again while the
# proposal is with the administrators). Not proposed: closed when the board's decisions on the
# call are recorded, for every application of the call that was not in the proposal.
APPLICATION = StateMachine(
    choices=ApplicationState,
    transitions={
        A.DRAFT: {A.SUBMITTED, A.WITHDRAWN, A.NOT_PROPOSED},
        A.SUBMITTED: {A.REVISION_REQUESTED, A.WITHDRAWN, A.RECOMMENDED, A.NOT_PROPOSED},
        A.REVISION_REQUESTED: {A.SUBMITTED, A.WITHDRAWN, A.NOT_PROPOSED},
        A.RECOMMENDED: {A.RECOMMENDED, A.GRANTED, A.REJECTED, A.NOT_PROPOSED},
        A.GRANTED: set(),
        A.REJECTED: set(),
        A.NOT_PROPOSED: set(),
        A.WITHDRAWN: set(),
    },
    editable={A.DRAFT, A.REVISION_REQUESTED},
    refusal=gettext_lazy("An application that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy(
        "The application is %(state)s and cannot be changed now. It can be changed while it "
        "is a draft or returned for revision."
    ),
)
# What the board's decision makes of the application.
BOARD_STATE = {
    BoardOutcome.GRANTED: A.GRANTED,
    BoardOutcome.GRANTED_REDUCED: A.GRANTED,
    BoardOutcome.REJECTED: A.REJECTED,
}
# Still open when the board's decisions on the call are recorded: closed as not proposed.
OPEN_STATES = tuple(state for state in A if APPLICATION.allows(state, A.NOT_PROPOSED))
# While the application is in these states it takes reviews: scores only while it is submitted,
# statements also while the applicant revises it; reviewers are assigned while it takes either.
REVIEW_STATES = {
    ReviewKind.COUNCIL: (A.SUBMITTED,),
    ReviewKind.SCIENTIFIC: (A.SUBMITTED, A.REVISION_REQUESTED),
}
ASSIGNABLE_STATES = frozenset(state for states in REVIEW_STATES.values() for state in states)


def _already_approved(proposal, to: str) -> DomainError | None:
    if to == P.APPROVED and proposal.state in (P.APPROVED, P.DECIDED):
        return DomainError(
            _("The proposal was already approved by %(name)s on %(date)s.")
            % {
                "name": proposal.approved_by.full_name if proposal.approved_by else "–",
                "date": timezone.localdate(proposal.approved_at).isoformat(),
            },
            code="already_approved",
        )
    return None


PROPOSAL = StateMachine(
    choices=ProposalState,
    transitions={
        P.DRAFT: {P.SUBMITTED},
        P.SUBMITTED: {P.APPROVED, P.RETURNED},
        P.RETURNED: {P.SUBMITTED},
        P.APPROVED: {P.DECIDED},
        P.DECIDED: set(),
    },
    editable={P.DRAFT, P.RETURNED},
    refusal=gettext_lazy("A proposal that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy(
        "The proposal is %(state)s and cannot be changed by the administrators now."
    ),
    explain=_already_approved,
)


# The proposal waits for the city director, who may change its amounts, approve it or send
# it back.
WITH_CITY_DIRECTOR = frozenset({P.SUBMITTED})
# A call has a proposal to the board once it is published (also once it is decided).
CALL_WITH_PROPOSAL = frozenset({C.PUBLISHED, C.DECIDED})


def with_city_director(proposal) -> bool:
    return proposal.state in WITH_CITY_DIRECTOR


# --- Dates --------------------------------------------------------------------------------------


def sketch_on_time(sketch, on: dt.date | None = None) -> bool:
    """A draft is submitted while its call takes idea sketches; a sketch the council returned
    for completion may be submitted again also after the deadline."""
    return sketch.state == S.RETURNED or sketch.call.sketches_open(on)


def _submit_refusal(machine, case, *, on_time: bool, late: str) -> DomainError | None:
    """The refusal of a submission in the order the applicant should read them: the case's
    state, the call's deadline (``late``, already filled in), a cancelled call."""
    refusal = machine.refusal_of(case, machine.choices.SUBMITTED)
    if refusal is not None:
        return refusal
    if not on_time:
        return DomainError(late, code="deadline_passed")
    if case.call.state == C.CANCELLED:
        return DomainError(
            _("The call %(title)s has been cancelled.") % {"title": case.call.title},
            code="call_cancelled",
        )
    return None


def sketch_submit_refusal(sketch, on: dt.date | None = None) -> DomainError | None:
    """Why the sketch cannot be submitted (or submitted again) on the day, or None when it can:
    its state, the call's last day for idea sketches (``sketch_on_time``), a cancelled call.
    (What the sketch still lacks is ``selectors.cases.missing_on_submit``.)"""
    call = sketch.call
    return _submit_refusal(
        SKETCH,
        sketch,
        on_time=sketch_on_time(sketch, on),
        late=_(
            "The last day for idea sketches in %(title)s was %(date)s. The sketch is kept "
            "as a draft but can no longer be submitted to this call."
        )
        % {"title": call.title, "date": call.idea_sketch_deadline.isoformat()},
    )


def application_on_time(application, on: dt.date | None = None) -> bool:
    """A draft is submitted by the call's last day for applications; a revision the fund
    administrators asked for may be submitted after it."""
    return application.state == A.REVISION_REQUESTED or application.call.applications_open(on)


def application_submit_refusal(application, on: dt.date | None = None) -> DomainError | None:
    """Why the application cannot be submitted (or a revision submitted) on the day, or None
    when it can: its state, the call's last day for applications (``application_on_time``), a
    cancelled call. (What it still lacks is ``selectors.cases.problems_on_submit``.)"""
    call = application.call
    return _submit_refusal(
        APPLICATION,
        application,
        on_time=application_on_time(application, on),
        late=_(
            "The last day for applications in %(title)s was %(date)s. The application is "
            "kept as a draft but can no longer be submitted."
        )
        % {"title": call.title, "date": call.application_deadline.isoformat()},
    )


def awaits_council(sketch) -> bool:
    """A submission waits for the council's applicability decision."""
    return sketch.state in AWAITING_COUNCIL


def can_be_taken_up(sketch) -> bool:
    """A sketch judged not applicable is final; its idea may be taken up in a new sketch."""
    return sketch.state == S.NOT_APPLICABLE


def application_start_refusal(sketch, on: dt.date | None = None) -> DomainError | None:
    """Why the sketch's application cannot be started on the day, or None when it can: only a
    sketch the council judged applicable, and only while the call takes applications."""
    if sketch.state != S.APPLICABLE:
        return DomainError(
            _("Only an idea sketch the council judged applicable can become an application."),
            code="not_applicable",
        )
    if not sketch.call.applications_open(on):
        return DomainError(
            _("The last day for applications in %(title)s was %(date)s.")
            % {"title": sketch.call.title, "date": sketch.call.application_deadline.isoformat()},
            code="deadline_passed",
        )
    return None

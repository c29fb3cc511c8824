"""The state machines of projects, progress reports, change requests and evaluations. Services
check transitions here; pages ask here which actions to offer.

Projects: starting → active → investment phase ended → evaluated → in reclaim → closed; an
active project may be paused (and resumed), and a project not yet evaluated may be cancelled,
each with a reason. Progress reports: to be written → submitted → reviewed, or returned for
completion (→ submitted again). Change requests: draft → submitted → approved or rejected;
withdrawn before the decision. Evaluations: being written → completed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.states import StateMachine
from projects.models import ChangeState, EvaluationState, ProjectState, ReportState

S, R, C, E = ProjectState, ReportState, ChangeState, EvaluationState

PROJECT = StateMachine(
    choices=ProjectState,
    transitions={
        S.STARTING: {S.ACTIVE, S.CANCELLED},
        S.ACTIVE: {S.PAUSED, S.PHASE_ENDED, S.CANCELLED},
        S.PAUSED: {S.ACTIVE, S.CANCELLED},
        S.PHASE_ENDED: {S.EVALUATED},
        S.EVALUATED: {S.IN_RECLAIM, S.CLOSED},
        S.IN_RECLAIM: {S.CLOSED},
        S.CLOSED: set(),
        S.CANCELLED: set(),
    },
    # Its people, reports and comments go on; the plans change through change requests while
    # the project runs.
    editable={S.STARTING, S.ACTIVE, S.PAUSED},
    refusal=gettext_lazy("A project that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy("The project is %(state)s; its plans can no longer be changed."),
)

# Money moves: disbursements while the project runs or finishes its last payments; refunds at
# any time after a payment; releases once nothing more will be paid.
DISBURSING = frozenset({S.ACTIVE, S.PHASE_ENDED})
RELEASING = frozenset({S.PHASE_ENDED, S.EVALUATED, S.IN_RECLAIM, S.CANCELLED})
# Progress reports are owed for the periods of the investment phase while it runs.
REPORTING = frozenset({S.ACTIVE, S.PAUSED, S.PHASE_ENDED})

REPORT = StateMachine(
    choices=ReportState,
    transitions={
        R.DUE: {R.SUBMITTED},
        R.SUBMITTED: {R.REVIEWED, R.RETURNED},
        R.RETURNED: {R.SUBMITTED},
        R.REVIEWED: set(),
    },
    editable={R.DUE, R.RETURNED},
    refusal=gettext_lazy("A progress report that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy(
        "The progress report is %(state)s and cannot be changed. It can be changed until it is "
        "submitted, and again when it is returned for completion."
    ),
)

CHANGE = StateMachine(
    choices=ChangeState,
    transitions={
        C.DRAFT: {C.SUBMITTED, C.WITHDRAWN},
        C.SUBMITTED: {C.APPROVED, C.REJECTED, C.WITHDRAWN},
        C.APPROVED: set(),
        C.REJECTED: set(),
        C.WITHDRAWN: set(),
    },
    editable={C.DRAFT},
    refusal=gettext_lazy("A change request that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy("The change request is %(state)s and can no longer be changed."),
)
OPEN_CHANGES = frozenset({C.DRAFT, C.SUBMITTED})

EVALUATION = StateMachine(
    choices=EvaluationState,
    transitions={E.DRAFT: {E.COMPLETED}, E.COMPLETED: set()},
    editable={E.DRAFT},
    refusal=gettext_lazy("An evaluation that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy("The evaluation is %(state)s and can no longer be changed."),
)

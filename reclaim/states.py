"""The state machines of reclaim plans and their versions. Services check transitions here;
pages ask here which actions to offer.

Plans: being drafted → in force (its first version decided) → closed (after the final budget
adjustment); or being drafted → exempt (no economic effects). Versions: being drafted →
with the city director → decided, or sent back (being drafted again); a decided version is
replaced by the next decided one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.states import StateMachine
from reclaim.models import PlanState, VersionState

P, V = PlanState, VersionState

PLAN = StateMachine(
    choices=PlanState,
    transitions={
        P.DRAFTING: {P.IN_FORCE, P.EXEMPT},
        P.IN_FORCE: {P.CLOSED},
        P.EXEMPT: set(),
        P.CLOSED: set(),
    },
    # New versions (the first plan, yearly adjustments) are drafted until the plan closes.
    editable={P.DRAFTING, P.IN_FORCE},
    refusal=gettext_lazy("A reclaim plan that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy("The reclaim plan is %(state)s and can no longer be changed."),
)

VERSION = StateMachine(
    choices=VersionState,
    transitions={
        V.DRAFT: {V.SUBMITTED},
        V.SUBMITTED: {V.APPROVED, V.DRAFT},
        V.APPROVED: {V.SUPERSEDED},
        V.SUPERSEDED: set(),
    },
    editable={V.DRAFT},
    refusal=gettext_lazy("A version that is %(state)s cannot become %(to)s."),
    not_editable=gettext_lazy(
        "The version is %(state)s and cannot be changed; a decided version never changes."
    ),
)
OPEN_VERSIONS = frozenset({V.DRAFT, V.SUBMITTED})

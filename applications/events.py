"""How the activity log reads this app's actions (registered with ``core.events`` at start-up,
from ``ApplicationsConfig.ready``, so that any process that renders a log, a Celery worker
included, shows the texts and never a raw action key)."""

from django.utils.translation import gettext_lazy as _

from applications.models import ApplicabilityOutcome, BoardOutcome, Outcome, ReviewKind
from core.events import choice_label, register_actions, register_value_labels

register_actions(
    {
        # Calls
        "call.created": _("Call created as a draft"),
        "call.updated": _("Call details changed: %(changed)s"),
        "call.published": _("Call published"),
        "call.decided": _("Call marked decided"),
        "call.cancelled": _("Call cancelled"),
        "call.document_added": _("Guidance document %(title)s added"),
        "call.document_withdrawn": _("Guidance document %(title)s withdrawn"),
        # Idea sketches and the council's applicability decisions
        "sketch.created": _("Idea sketch started"),
        "sketch.updated": _("Idea sketch changed: %(changed)s"),
        "sketch.submitted": _("Idea sketch submitted as %(number)s"),
        "sketch.withdrawn": _("Idea sketch withdrawn"),
        "sketch.decided": _("Council meeting %(meeting)s: %(outcome)s"),
        "council_meeting.created": _("Council meeting %(date)s recorded"),
        # Applications
        "application.created": _("Application started from the idea sketch"),
        "application.updated": _("Application changed: %(changed)s"),
        "application.submitted": _("Version %(version)s submitted"),
        "application.revision_requested": _("Returned for revision"),
        "application.withdrawn": _("Application withdrawn"),
        "application.attachment_added": _("Attachment %(title)s added"),
        "application.attachment_removed": _("Attachment %(title)s removed"),
        # Review
        "review.assigned": _("%(reviewer)s assigned as %(as)s"),
        "review.removed": _("Assignment of %(reviewer)s (%(as)s) withdrawn"),
        "review.declared": _("%(reviewer)s declared no conflict of interest"),
        "review.conflict_declared": _(
            "%(reviewer)s declared a conflict of interest and is no longer assigned"
        ),
        "review.conflict_arisen": _(
            "%(reviewer)s is in conflict of interest through %(organisations)s and is no longer "
            "assigned"
        ),
        "review.statement_submitted": _("Scientific statement on version %(version)s submitted"),
        "review.scored": _("A council member's score of version %(version)s submitted"),
        "recommendation.recorded": _(
            "The council's recommendation recorded (meeting %(meeting)s): %(recommended)s"
        ),
        # The proposal to the board and the board's decisions
        "proposal.created": _("Proposal to the board started"),
        "proposal.updated": _("The council's summary changed"),
        "proposal.submitted": _(
            "Sent to the city director (applications: %(count)s, in total %(total)s)"
        ),
        "proposal.amounts_changed": _("Amounts changed: %(changed)s"),
        "proposal.returned": _("Sent back by the city director"),
        "proposal.approved": _("Approved%(capacity)s: %(total)s"),
        "proposal.decided": _("The board's decisions recorded"),
        "board.decided": _("The board's decision %(reference)s: %(decision)s %(amount)s"),
        "application.not_proposed": _("Closed as not proposed"),
    }
)
register_value_labels(
    {
        "outcome": choice_label(ApplicabilityOutcome),
        "as": choice_label(ReviewKind, lower=True),
        "recommended": choice_label(Outcome, lower=True),
        "decision": choice_label(BoardOutcome, lower=True),
        "capacity": lambda value: str(_(" on delegation")) if value else "",
    }
)

"""The row locks the services take before they check a rule and change a case, each with what
the rules then read. Locking order: a service that writes fund money takes the fund's lock
first (``core.services.ledger.fund_lock``), then these."""

from __future__ import annotations

from applications.models import Application, Call, IdeaSketch, Proposal, ReviewAssignment


def call_lock(call) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("fund").get(pk=call.pk)


def sketch_lock(sketch) -> IdeaSketch:
    return (
        IdeaSketch.objects.select_for_update(of=("self",))
        .select_related("call__fund", "owner", "registration")
        .get(pk=sketch.pk)
    )


def application_lock(application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__fund", "owner", "registration", "sketch")
        .get(pk=application.pk)
    )


def proposal_lock(proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("call__fund", "approved_by")
        .get(pk=proposal.pk)
    )


def assignment_lock(assignment) -> ReviewAssignment:
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("reviewer", "application")
        .get(pk=assignment.pk)
    )

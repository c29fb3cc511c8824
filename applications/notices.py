"""The notices of calls, sketches, applications, reviews and decisions (registered with
``core.notices`` at start-up), and the pages they link to.

The table in the README ("Notifications") lists who is told of what; one test per row checks
it. The services say whom to tell; ``core.notices.notify`` renders and queues the e-mails.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.notices import Notice, register_notices

NOTICES = {
    "sketch_receipt": Notice(
        _("Receipt: idea sketch %(number)s"),
        _(
            "Your idea sketch has been received and registered under number %(number)s. "
            "Quote the number in all contacts about the case."
        ),
    ),
    "sketch_submitted": Notice(
        _("New idea sketch %(number)s"),
        _("An idea sketch has been submitted and waits for the council's applicability decision."),
    ),
    "sketch_withdrawn": Notice(
        _("Idea sketch %(number)s withdrawn"),
        _("The applicant has withdrawn the idea sketch."),
    ),
    "sketch_applicable": Notice(
        _("Idea sketch %(number)s is applicable"),
        _("The council has judged the idea sketch applicable. You may now write the application."),
    ),
    "sketch_not_applicable": Notice(
        _("Idea sketch %(number)s is not applicable"),
        _(
            "The council has judged the idea sketch not applicable. The decision is final; you "
            "may start a new sketch in an open call, linked to this one."
        ),
    ),
    "sketch_returned": Notice(
        _("Idea sketch %(number)s returned for completion"),
        _(
            "The council has returned the idea sketch for completion. It keeps its number; "
            "complete it and submit it again."
        ),
    ),
    "application_receipt": Notice(
        _("Receipt: application %(number)s, version %(version)s"),
        _(
            "Your application has been received as version %(version)s under number "
            "%(number)s. The submitted version is kept exactly as sent."
        ),
    ),
    "application_submitted": Notice(
        _("Application %(number)s submitted (version %(version)s)"),
        _("An application has been submitted."),
    ),
    "application_revision_requested": Notice(
        _("Application %(number)s returned for revision"),
        _("The fund administrators have returned the application for revision."),
    ),
    "application_withdrawn": Notice(
        _("Application %(number)s withdrawn"),
        _("The applicant has withdrawn the application."),
    ),
    "review_assigned": Notice(
        _("Application %(number)s to review"),
        _(
            "You have been asked to review an application as %(assigned_as)s. Before you read and "
            "review it, declare that you have no conflict of interest."
        ),
    ),
    "review_conflict_declared": Notice(
        _("Conflict of interest declared on application %(number)s"),
        _(
            "%(reviewer)s has declared a conflict of interest and is no longer assigned to the "
            "application. Assign someone else if needed."
        ),
    ),
    "review_conflict_arisen": Notice(
        _("Conflict of interest on application %(number)s"),
        _(
            "%(reviewer)s now belongs to an organisation of the application (%(organisations)s) "
            "and is no longer assigned to it. Assign someone else if needed."
        ),
    ),
    "review_new_version": Notice(
        _("Application %(number)s: version %(version)s submitted"),
        _(
            "The applicant has submitted a revised version. Earlier scores and statements are "
            "kept as outdated; the review page shows what changed."
        ),
    ),
    "application_recommended": Notice(
        _("Application %(number)s: the council's recommendation"),
        _("The council has recommended: %(outcome)s. The reasons are below and on the case page."),
    ),
    "proposal_submitted": Notice(
        _("Proposal to the board for %(call)s"),
        _("A proposal to the board waits for the city director's approval."),
    ),
    "proposal_returned": Notice(
        _("Proposal for %(call)s sent back"),
        _("The city director has sent the proposal back. The message is below."),
    ),
    "proposal_approved": Notice(
        _("Proposal for %(call)s approved"),
        _(
            "The city director has approved the proposal to the board. Record the board's "
            "decision on each application when the board has met."
        ),
    ),
    "application_granted": Notice(
        _("Application %(number)s granted"),
        _("The board has granted the application: %(amount)s. Conditions, if any, are below."),
    ),
    "application_rejected": Notice(
        _("Application %(number)s rejected"),
        _("The board has rejected the application."),
    ),
    "application_not_proposed": Notice(
        _("Application %(number)s not proposed"),
        _(
            "The board's decisions on the call have been recorded. The application was not in "
            "the city director's proposal; the reason is below."
        ),
    ),
}
register_notices(NOTICES)


def sketch_url(sketch) -> str:
    return reverse("sketches:detail", args=[sketch.pk])


def application_url(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def review_url(application) -> str:
    return reverse("applications:review", args=[application.pk])


def proposal_url(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def applicant_people(application) -> list:
    """The person who hears about an application's outcome: the one who last submitted it (or,
    never submitted, the one who started it)."""
    last = application.versions.select_related("submitted_by").order_by("-number").first()
    return [last.submitted_by if last else application.created_by]


def applicant_side(application) -> dict:
    """Whom ``notify`` tells of an application's outcome (a revision asked for, the council's
    recommendation, the board's grant or rejection, closed as not proposed): the person of
    ``applicant_people`` and the application's contact person, by address."""
    return {"people": applicant_people(application), "emails": [application.contact_email]}

"""How the activity log reads this app's actions (registered at start-up from
``ProjectsConfig.ready``, so any process that renders a log shows the texts)."""

from django.utils.translation import gettext_lazy as _

from core.events import choice_label, register_actions, register_value_labels
from projects.models import AssignmentRole, ChangeKind, ReminderKind

register_actions(
    {
        "project.created": _("Project created from the board's grant %(reference)s"),
        "project.condition_met": _("Condition met: %(condition)s"),
        "project.activated": _("Project started"),
        "project.paused": _("Project paused"),
        "project.resumed": _("Project resumed"),
        "project.cancelled": _("Project cancelled"),
        "project.phase_ended": _("Investment phase ended"),
        "project.evaluated": _("Evaluation completed"),
        "project.reclaim_started": _("Reclaim started"),
        "project.closed": _("Project closed"),
        "project.assigned": _("%(name)s named %(part)s from %(valid_from)s"),
        "project.assignment_ended": _("%(name)s is %(part)s until %(valid_until)s"),
        "project.assignment_withdrawn": _("%(name)s withdrawn as %(part)s before starting"),
        "project.disbursed": _("Disbursement of %(amount)s to %(organisation)s for %(year)s"),
        "project.refunded": _("Refund of %(amount)s from %(organisation)s for %(year)s"),
        "project.released": _("Release of %(amount)s of the grant"),
        "project.reports_due": _("Progress report for the period ending %(period)s due %(due)s"),
        "report.updated": _("Progress report for the period ending %(period)s saved"),
        "report.submitted": _("Progress report for the period ending %(period)s submitted"),
        "report.reviewed": _("Progress report for the period ending %(period)s reviewed"),
        "report.returned": _(
            "Progress report for the period ending %(period)s returned for completion"
        ),
        "report.reminded": _("Reminder (%(reminder)s) about the report due %(due)s sent"),
        "report.attachment_added": _("Attachment %(title)s added to a progress report"),
        "report.attachment_removed": _("Attachment %(title)s removed from a progress report"),
        "change.created": _("%(change)s started"),
        "change.updated": _("%(change)s changed"),
        "change.submitted": _("%(change)s submitted"),
        "change.withdrawn": _("%(change)s withdrawn"),
        "change.approved": _("%(change)s approved: version %(version)s"),
        "change.rejected": _("%(change)s rejected"),
        "evaluation.updated": _("Evaluation saved"),
        "evaluation.completed": _("Evaluation completed: %(effects)s"),
        "evaluation.attachment_added": _("Attachment %(title)s added to the evaluation"),
        "evaluation.attachment_removed": _("Attachment %(title)s removed from the evaluation"),
    }
)
register_value_labels(
    {
        "part": choice_label(AssignmentRole, lower=True),
        "change": choice_label(ChangeKind),
        "reminder": choice_label(ReminderKind, lower=True),
    }
)

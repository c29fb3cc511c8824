"""How the activity log reads this app's actions (registered at start-up from
``ReclaimConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from core.events import register_actions

register_actions(
    {
        "reclaim.policy_changed": _("Reclaim rules changed (version %(version)s)"),
        "reclaim.plan_drafted": _("Reclaim plan drafted from the evaluation (%(total)s)"),
        "reclaim.version_updated": _("Reclaim plan version %(version)s changed"),
        "reclaim.version_fitted": _(
            "Reclaim plan version %(version)s fitted to the cap of %(cap)s"
        ),
        "reclaim.version_submitted": _(
            "Reclaim plan version %(version)s sent to the city director"
        ),
        "reclaim.version_returned": _("Reclaim plan version %(version)s sent back"),
        "reclaim.version_approved": _("Reclaim plan version %(version)s decided (%(total)s)"),
        "reclaim.installment_booked": _("Return booked: %(organisation)s %(year)s, %(amount)s"),
        "reclaim.installment_waived": _(
            "Reclaim line waived: %(organisation)s %(year)s, %(amount)s"
        ),
        "reclaim.exempted": _("Exempted from reclaim"),
        "reclaim.budget_adjusted": _("Final budget adjustment for %(organisation)s: %(amount)s"),
        "reclaim.plan_closed": _("Reclaim plan closed"),
        "reclaim.follow_up_recorded": _(
            "Follow-up %(year)s: verified actual reduction recorded for %(count)s organisations"
        ),
        "reclaim.reorganisation_handled": _(
            "Handed over after the reorganisation: %(lines)s reclaim lines, %(cases)s cases, "
            "%(projects)s projects"
        ),
        "reclaim.adjustment_started": _(
            "Adjustment of the reclaim plan started (version %(version)s)"
        ),
    }
)

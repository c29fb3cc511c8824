"""How the activity log reads this app's actions (registered at start-up from
``ReclaimConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from core.events import register_actions

register_actions(
    {
        "reclaim.policy_changed": _("Reclaim rules changed (version %(version)s)"),
    }
)

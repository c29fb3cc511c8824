"""How the activity log reads this app's actions (registered at start-up)."""

from django.utils.translation import gettext_lazy as _

from core.events import register_actions

register_actions({"project.created": _("Project created from the board's grant %(reference)s")})

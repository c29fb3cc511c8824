"""Load the demo data of every app, in dependency order. Idempotent; refused in production."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from applications import demo as applications_demo
from core import demo as core_demo
from projects import demo as projects_demo
from reclaim import demo as reclaim_demo

DELEGATE_LABEL = _("(no role: the city director's delegate)")

# Each app's loader, lowest first.
LOADERS = [core_demo.load, applications_demo.load, projects_demo.load, reclaim_demo.load]


class Command(BaseCommand):
    help = "Load demo data (organisations, demo users for every role, and more). Idempotent."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is refused when FONDADMIN_ENV=production.")
        people = []
        for loader in LOADERS:
            result = loader()
            if loader is core_demo.load:
                people = result
        self.stdout.write(self.style.SUCCESS("Demo data loaded.\n"))
        self.stdout.write(f"Demo users (password for all: {core_demo.DEMO_PASSWORD}):")
        width = max(len(person.address) for person, _user in people)
        for person, _user in people:
            roles = ", ".join(str(role.label) for role in person.roles) or str(DELEGATE_LABEL)
            self.stdout.write(f"  {person.address.ljust(width)}  {roles}")

"""``makemessages`` with the project's conventions, so that every run (by hand, by ``make
messages`` and by the translation-completeness test) produces the same catalogue: Swedish,
file-level locations (no churn when lines move), no obsolete entries, our code only."""

from django.core.management.commands import makemessages

IGNORED = [
    ".venv/*",
    "node_modules/*",
    "staticfiles/*",
    "var/*",
    "artifacts/*",
    "tests/*",
    ".ci/*",
    "bin/*",
]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        if not options["locale"] and not options["all"] and not options["exclude"]:
            options["locale"] = ["sv"]
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        options["no_obsolete"] = True
        options["add_location"] = "file"
        return super().handle(*args, **options)

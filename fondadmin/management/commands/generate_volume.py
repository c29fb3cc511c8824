"""Fill a database with generated applications, their council reviews and the projects granted
from them (fondadmin.volume)."""

import time

from django.core.management.base import BaseCommand, CommandError

from fondadmin import volume


class Command(BaseCommand):
    help = (
        "Top the database up to N generated submitted applications with council reviews, and "
        "the board's grants of each call decided (a share of it) with their projects run up "
        "to today, made through the services; deterministic for a seed. Refused in production "
        "and on a database with data that was not generated (unless --allow-existing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, metavar="N")
        parser.add_argument("--reviews-per-application", type=int, default=2, metavar="R")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--open-share",
            type=float,
            default=0.1,
            help="share of applications with one council review still to do (default 0.1)",
        )
        parser.add_argument(
            "--per-call",
            type=int,
            default=volume.VolumeSpec.per_call,
            help="applications a call (default %(default)s); decided when the next call is full",
        )
        parser.add_argument(
            "--grant-share",
            type=float,
            default=volume.VolumeSpec.grant_share,
            help="share of a decided call the board grants (default %(default)s, at least one)",
        )
        parser.add_argument(
            "--allow-existing",
            action="store_true",
            help="add to a database that holds data that was not generated",
        )

    def handle(self, *args, **options):
        spec = volume.VolumeSpec(
            applications=options["applications"],
            reviews_per_application=options["reviews_per_application"],
            seed=options["seed"],
            open_share=options["open_share"],
            per_call=options["per_call"],
            grant_share=options["grant_share"],
        )
        started = time.monotonic()
        verbosity = options["verbosity"]
        before = volume.generated_count()

        def progress(done: int, total: int) -> None:
            if verbosity >= 1 and (done % 500 == 0 or done == total):
                rate = (done - before) / max(time.monotonic() - started, 1e-9)
                self.stdout.write(
                    f"  {done:>7,} / {total:,} applications ({rate:.1f} a second so far)"
                )

        try:
            added = volume.generate(
                spec, allow_existing=options["allow_existing"], progress=progress
            )
        except volume.VolumeRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"{volume.generated_count():,} generated applications, "
                f"{volume.generated_projects():,} projects "
                f"({added:,} added in {time.monotonic() - started:.0f} s, seed {spec.seed})."
            )
        )
        if verbosity >= 1:
            self.stdout.write(
                f"People: admin@{volume.DOMAIN} (fund administrator), ledamot01@{volume.DOMAIN} "
                f"... (council members), password {volume.PASSWORD}"
            )

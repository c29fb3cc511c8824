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
        size = parser.add_mutually_exclusive_group(required=True)
        size.add_argument("--applications", type=int, metavar="N")
        size.add_argument(
            "--city",
            type=int,
            metavar="TIMES",
            help=(
                "TIMES the demo city's volume: 80 applications and 100 idea sketches a time, "
                "5 a call, about 13 investments a time (--city 100: 8,000 applications, 1,305 "
                "investments)"
            ),
        )
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
            help=(
                f"applications a call (default {volume.VolumeSpec.per_call}); decided when the "
                "next call is full"
            ),
        )
        parser.add_argument(
            "--grant-share",
            type=float,
            help=(
                f"share of a decided call the board grants (default "
                f"{volume.VolumeSpec.grant_share}, at least one)"
            ),
        )
        parser.add_argument(
            "--allow-existing",
            action="store_true",
            help="add to a database that holds data that was not generated",
        )

    @staticmethod
    def _spec(options) -> volume.VolumeSpec:
        if options["city"] is not None:
            if options["per_call"] is not None or options["grant_share"] is not None:
                raise CommandError("--city sets the call size and the grant share itself.")
            if options["city"] < 1:
                raise CommandError("--city is a whole number of times, at least 1.")
            return volume.VolumeSpec.city(
                options["city"], seed=options["seed"], open_share=options["open_share"]
            )
        defaults = volume.VolumeSpec(applications=0)
        return volume.VolumeSpec(
            applications=options["applications"],
            reviews_per_application=options["reviews_per_application"],
            seed=options["seed"],
            open_share=options["open_share"],
            per_call=options["per_call"] if options["per_call"] is not None else defaults.per_call,
            grant_share=(
                options["grant_share"]
                if options["grant_share"] is not None
                else defaults.grant_share
            ),
        )

    def handle(self, *args, **options):
        spec = self._spec(options)
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
                "  " + ", ".join(f"{count:,} {what}" for what, count in volume.summary().items())
            )
            self.stdout.write(
                f"People: admin@{volume.DOMAIN} (fund administrator), ledamot01@{volume.DOMAIN} "
                f"... (council members), password {volume.PASSWORD}"
            )

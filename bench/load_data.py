"""The load test's data and its check afterwards, in a Django process with the development
settings of the load test's own database (run by ``bench/load.py``; prints JSON).

``prepare``: the generated volume (``fondadmin.volume``) in two calls: the first decided by the
board with its projects run up to today, the second still under review, fully scored by two
council members each; then, as the fund administrator would, every other council member not in
conflict is assigned to the second call's applications (open reviews, not yet declared), and a
call is published that takes idea sketches today.

``people``: who the simulated users log in as, by role.

``verify``: reads what the simulated users did (JSON on stdin) and checks it in the database:
each idea sketch created exactly once and submitted, each declaration and score recorded once,
each report asked for made (waiting for the worker up to ``--wait`` seconds), and nothing more.

    python bench/load_data.py prepare --per-call 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fondadmin.settings")

CALL_TITLE = "Lasttestets utlysning (volym)"
REVIEW_DAYS = 30


def prepare(per_call: int, grant_share: float, seed: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from applications import services
    from applications.models import Application, Call, DecisionRoute, ReviewKind
    from core.errors import DomainError
    from core.models import Fund, Role, User
    from core.notices import muted
    from fondadmin import volume
    from fondadmin.volume.people import DOMAIN, FUND_NAME

    spec = volume.VolumeSpec(
        applications=2 * per_call,
        per_call=per_call,
        open_share=0.0,
        grant_share=grant_share,
        seed=seed,
    )
    volume.generate(spec)
    fund = Fund.objects.get(name=FUND_NAME)
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    today = timezone.localdate()
    council = list(
        User.objects.filter(
            email__endswith="@" + DOMAIN, role_assignments__role=Role.COUNCIL_MEMBER
        ).distinct()
    )
    assigned = 0
    with muted(), transaction.atomic():
        reviewed = Application.objects.filter(call__fund=fund, recommendation=None)
        for application in reviewed.order_by("pk"):
            taken = set(application.assignments.values_list("reviewer_id", flat=True))
            for member in council:
                if member.pk in taken:
                    continue
                try:
                    services.review_assign(
                        actor=admin,
                        application=application,
                        reviewer=member,
                        kind=ReviewKind.COUNCIL,
                        due_on=today + dt.timedelta(days=REVIEW_DAYS),
                    )
                except DomainError:  # in conflict with the case, or the case is closed
                    continue
                assigned += 1
        if not Call.objects.filter(fund=fund, title=CALL_TITLE).exists():
            call = services.call_create(
                actor=admin,
                fund=fund,
                title=CALL_TITLE,
                description="Utlysning som tar emot idéskisser under lasttestet (genererad).",
                idea_sketch_deadline=today + dt.timedelta(days=60),
                application_deadline=today + dt.timedelta(days=120),
                indicative_budget=50_000_000,
                decision_route=DecisionRoute.OWN_PROPOSAL,
            )
            services.call_publish(actor=admin, call=call)
    return {"applications": volume.generated_count(), "assigned": assigned}


def people() -> dict:
    from core.models import Role, User
    from fondadmin.volume.people import DOMAIN

    def having(role: str, prefix: str) -> list[str]:
        return sorted(
            User.objects.filter(
                email__startswith=prefix,
                email__endswith="@" + DOMAIN,
                role_assignments__role=role,
                is_active=True,
            )
            .distinct()
            .values_list("email", flat=True)
        )

    return {
        "applicant": having(Role.APPLICANT, "sokande"),
        "council": having(Role.COUNCIL_MEMBER, "ledamot"),
        "admin": having(Role.FUND_ADMIN, "admin"),
    }


def verify(done: dict, wait: float) -> dict:
    """What the database holds against what the users did: a list of problems (none: fine)."""
    from django.utils.dateparse import parse_datetime

    from applications.models import IdeaSketch, ReviewAssignment, Score, SketchState
    from reports.models import JobState, ReportJob

    started = parse_datetime(done["started"])
    marker = done["marker"]
    problems: list[str] = []

    created = done["sketches_created"]
    submitted = set(done["sketches_submitted"])
    found = {}
    for sketch in IdeaSketch.objects.filter(title__contains=marker).only("title", "state"):
        found.setdefault(sketch.title, []).append(sketch.state)
    for title in created:
        states = found.get(title, [])
        if len(states) != 1:
            problems.append(f"idea sketch {title!r}: {len(states)} in the database, not 1")
        elif title in submitted and states[0] != SketchState.SUBMITTED:
            problems.append(f"idea sketch {title!r} is {states[0]}, not submitted")
    for title in set(found) - set(created):
        problems.append(f"idea sketch {title!r} is in the database but no user created it")

    declared = set(done["declared"])
    for assignment in ReviewAssignment.objects.filter(pk__in=declared):
        if assignment.declared_at is None or assignment.conflict_declared_at is not None:
            problems.append(f"review assignment {assignment.pk}: the declaration is missing")
    scored = done["scored"]
    counts = dict.fromkeys(scored, 0)
    for score in Score.objects.filter(submitted_at__gte=started).prefetch_related("criteria"):
        counts[score.assignment_id] = counts.get(score.assignment_id, 0) + 1
        if len(score.criteria.all()) != 5:
            problems.append(f"score {score.pk}: {len(score.criteria.all())} criteria, not 5")
    for pk, count in sorted(counts.items()):
        expected = scored.count(pk)
        if count != expected or expected != 1:
            problems.append(f"review assignment {pk}: {count} scores recorded, {expected} sent")

    asked = set(done["reports"])
    new_jobs = ReportJob.objects.filter(created_at__gte=started)
    deadline = time.monotonic() + wait
    while new_jobs.filter(state__in=[JobState.QUEUED, JobState.RUNNING]).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(1)
    jobs = {job.pk: job for job in new_jobs}
    for pk in sorted(asked - set(jobs)):
        problems.append(f"report {pk}: asked for, not in the database")
    for pk in sorted(set(jobs) - asked):
        problems.append(f"report {pk}: in the database, but no user was sent to it")
    for pk in sorted(asked & set(jobs)):
        job = jobs[pk]
        if job.state != JobState.DONE or not job.file:
            problems.append(f"report {pk} is {job.state} (not done): {job.error[:200]}")
    return {
        "problems": problems,
        "sketches": len(found),
        "scores": sum(counts.values()),
        "reports_done": sum(1 for job in jobs.values() if job.state == JobState.DONE),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("prepare")
    made.add_argument("--per-call", type=int, default=20)
    made.add_argument("--grant-share", type=float, default=0.15)
    made.add_argument("--seed", type=int, default=1)
    commands.add_parser("people")
    check = commands.add_parser("verify")
    check.add_argument("--wait", type=float, default=90, help="seconds to wait for reports")
    args = parser.parse_args()

    import django

    django.setup()
    if args.command == "prepare":
        result = prepare(args.per_call, args.grant_share, args.seed)
    elif args.command == "people":
        result = people()
    else:
        result = verify(json.load(sys.stdin), args.wait)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()

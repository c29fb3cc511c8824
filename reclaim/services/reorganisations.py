"""After a reorganisation (core's decision that an organisation is replaced by successors in
shares), the city director (or the delegate) hands over what the organisation still has open:
its reclaim lines not yet booked or waived are moved to the successors by their shares (the
split helper) or waived, with a reason; its open cases and projects pass to the successor the
director names. BRIEF.md "The process" step 8; issue 13 point 7."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from applications.services import cases_hand_over
from core.errors import DomainError
from core.events import event_record, recording_day, recording_time
from core.models import Organisation, Reorganisation
from core.money import format_kr
from projects.services import projects_hand_over
from reclaim import plans
from reclaim.models import (
    Installment,
    InstallmentState,
    PlanState,
    PlanVersion,
    VersionState,
)
from reclaim.selectors import has_open_cases, plans_with_open_lines
from reclaim.services.plans import (
    capacity_of,
    lines_of,
    notify_decided,
    plan_lock,
    settled_of,
    write_lines,
)
from reclaim.states import OPEN_VERSIONS, VERSION

MOVE, WAIVE = "move", "waive"


@dataclass(frozen=True)
class Handed:
    lines: int  # lines moved or waived
    cases: int
    projects: int


def _successor_names(reorganisation: Reorganisation) -> str:
    return ", ".join(
        f"{share.successor.name} {share.percent.normalize():f} %".replace(".", ",")
        for share in reorganisation.shares.select_related("successor")
    )


def _moved(lines, settled, organisation, shares, plan) -> dict[plans.Key, int]:
    try:
        return plans.move_lines(lines, settled, organisation.pk, shares)
    except plans.CannotMove as cannot:
        successor, year = cannot.args[0]
        raise DomainError(
            _(
                "%(successor)s %(year)s of the reclaim plan of %(project)s is already booked "
                "or waived, so the share of %(who)s cannot be added to it. Waive the line of "
                "%(who)s %(year)s first, or waive all the lines."
            )
            % {
                "successor": Organisation.objects.get(pk=successor).name,
                "year": year,
                "project": plan.project.title,
                "who": organisation.name,
            },
            code="cannot_move",
        ) from cannot


def _open_keys(lines, settled, organisation) -> list[plans.Key]:
    return sorted(
        key
        for key, amount in lines.items()
        if key[0] == organisation.pk and key not in settled and amount > 0
    )


def _move_plan(actor, capacity, plan, organisation, shares, text) -> int:
    settled = settled_of(plan)
    moved = 0
    current = plan.versions.filter(state=VersionState.APPROVED).first()
    if current is not None and plan.state == PlanState.IN_FORCE:
        lines = lines_of(current)
        keys = _open_keys(lines, settled, organisation)
        if keys:
            after = _moved(lines, settled, organisation, shares, plan)
            last = plan.versions.order_by("-number").first()
            VERSION.check(current, VersionState.SUPERSEDED)
            current.state = VersionState.SUPERSEDED
            current.save(update_fields=["state"])
            now = recording_time()
            version = PlanVersion.objects.create(
                plan=plan,
                number=last.number + 1,
                state=VersionState.APPROVED,
                start_year=current.start_year,
                reason=text,
                created_at=now,
                created_by=actor,
                submitted_at=now,
                decided_at=now,
                decided_by=actor,
                on_delegation=capacity.on_delegation,
                decision_comment=text,
                policy=current.policy,
                cap=current.cap,
                above_cap_reason=current.above_cap_reason,
            )
            write_lines(version, after)
            moved += len(keys)
            notify_decided(plan.project, version.number, after)
            event_record(
                actor=actor,
                action="reclaim.version_approved",
                target=plan.project,
                comment=text,
                data={
                    "version": version.number,
                    "total": format_kr(sum(after.values())),
                    "capacity": "delegation" if capacity.on_delegation else "",
                },
            )
    draft = plan.versions.filter(state__in=OPEN_VERSIONS).first()
    if draft is not None:
        lines = lines_of(draft)
        keys = _open_keys(lines, settled, organisation)
        if keys:
            write_lines(draft, _moved(lines, settled, organisation, shares, plan))
            moved += 0 if current is not None and plan.state == PlanState.IN_FORCE else len(keys)
    return moved


def _waive_plan(actor, plan, organisation, text) -> int:
    settled = settled_of(plan)
    waived = 0
    current = plan.versions.filter(state=VersionState.APPROVED).first()
    if current is not None and plan.state == PlanState.IN_FORCE:
        lines = lines_of(current)
        for organisation_id, year in _open_keys(lines, settled, organisation):
            Installment.objects.create(
                plan=plan,
                organisation_id=organisation_id,
                year=year,
                state=InstallmentState.WAIVED,
                amount=lines[(organisation_id, year)],
                reason=text,
                recorded_at=recording_time(),
                recorded_by=actor,
            )
            settled[(organisation_id, year)] = lines[(organisation_id, year)]
            waived += 1
            event_record(
                actor=actor,
                action="reclaim.installment_waived",
                target=plan.project,
                comment=text,
                data={
                    "organisation": organisation.name,
                    "year": year,
                    "amount": format_kr(lines[(organisation_id, year)]),
                },
            )
    draft = plan.versions.filter(state__in=OPEN_VERSIONS).first()
    if draft is not None:
        lines = lines_of(draft)
        keys = [key for key in lines if key[0] == organisation.pk]
        if keys:
            # A waived line keeps its amount in the open version (settled lines never
            # change); in a plan not yet decided the lines simply go.
            kept = {
                key: settled.get(key, 0) if key[0] == organisation.pk else a
                for key, a in lines.items()
            }
            write_lines(draft, kept)
            if plan.state == PlanState.DRAFTING:
                waived += len(keys)
    return waived


@transaction.atomic
def reorganisation_handle(
    *,
    actor,
    reorganisation: Reorganisation,
    lines: str,
    successor: Organisation | None,
    reason: str,
) -> Handed:
    """Hand over what the replaced organisation has open: its reclaim lines not yet booked or
    waived, in every plan, moved to the successors by their shares (a plan in force gets a new
    version, decided at once, saying why; an open draft is changed in place) or waived with
    the reason; its open cases and projects to ``successor``. A second click finds nothing
    left and says so."""
    capacity = capacity_of(actor, recording_day())
    reorganisation = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    organisation = reorganisation.organisation
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why, with the reorganisation's decision."), field="reason")
    if lines not in (MOVE, WAIVE):
        raise DomainError(_("Choose what becomes of the reclaim lines."), field="lines")
    shares = [(s.successor_id, s.percent) for s in reorganisation.shares.all()]
    if successor is not None and successor.pk not in {pk for pk, _share in shares}:
        raise DomainError(
            _("%(name)s is not a successor of %(who)s.")
            % {"name": successor.name, "who": organisation.name},
            field="successor",
        )
    if lines == MOVE:
        text = _("Reorganisation: the lines of %(who)s move to %(successors)s. %(reason)s") % {
            "who": organisation.name,
            "successors": _successor_names(reorganisation),
            "reason": reason,
        }
    else:
        text = _("Reorganisation: the lines of %(who)s are waived. %(reason)s") % {
            "who": organisation.name,
            "reason": reason,
        }
    handled_lines = 0
    for plan in plans_with_open_lines(organisation.pk):
        plan = plan_lock(plan)
        if lines == MOVE:
            handled_lines += _move_plan(actor, capacity, plan, organisation, shares, text)
        else:
            handled_lines += _waive_plan(actor, plan, organisation, text)
    cases = projects = 0
    if successor is None and has_open_cases(organisation.pk):
        raise DomainError(
            _("Name the successor that takes over the open cases and projects."),
            field="successor",
        )
    if successor is not None:
        cases = cases_hand_over(
            actor=actor, organisation=organisation, successor=successor, reason=reason
        )
        projects = projects_hand_over(
            actor=actor, organisation=organisation, successor=successor, reason=reason
        )
    if not (handled_lines or cases or projects):
        raise DomainError(
            _("%(who)s has nothing open left to hand over.") % {"who": organisation.name},
            code="nothing_open",
        )
    event_record(
        actor=actor,
        action="reclaim.reorganisation_handled",
        target=organisation,
        comment=reason,
        data={"lines": handled_lines, "cases": cases, "projects": projects},
    )
    return Handed(lines=handled_lines, cases=cases, projects=projects)

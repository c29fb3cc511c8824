"""The people of a project: project manager, deputy, steering group (named by the owner
organisation's staff) and evaluator (named by a fund administrator). Assignments have from and
to dates and are never deleted: a new project manager ends the previous one's assignment the day
before, one that had not begun is withdrawn."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record, recording_day, recording_time
from core.models import Organisation, User
from core.notices import notify
from projects import notices
from projects.models import AssignmentRole, Project, ProjectAssignment, ProjectState
from projects.services.locks import project_lock

# One person at a time in these parts; the steering group has many members.
SINGLE = frozenset({AssignmentRole.MANAGER, AssignmentRole.DEPUTY, AssignmentRole.EVALUATOR})
# These parts act in the system and so need an account.
WITH_ACCOUNT = SINGLE
# An evaluator may be an external researcher, in no organisation of the city; every other part
# belongs to one.
WITHOUT_ORGANISATION = frozenset({AssignmentRole.EVALUATOR})
OVER = frozenset({ProjectState.CLOSED, ProjectState.CANCELLED})


@transaction.atomic
def project_assign(
    *,
    actor,
    project: Project,
    role: str,
    person: User | None = None,
    name: str = "",
    organisation: Organisation | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    today: dt.date | None = None,
) -> ProjectAssignment:
    """Name someone to a part in the project from ``valid_from`` (today by default)."""
    day = today or recording_day()
    project = project_lock(project)
    if project.state in OVER:
        raise DomainError(
            _("The project is %(state)s; nobody more can be named to it.")
            % {"state": project.get_state_display().lower()},
            code="over",
        )
    if role not in AssignmentRole.values:
        raise DomainError(_("Choose the part."), field="role")
    if role in WITH_ACCOUNT and person is None:
        raise DomainError(
            _("A %(part)s needs an account: choose a person.")
            % {"part": AssignmentRole(role).label.lower()},
            field="person",
        )
    if person is not None and not person.is_active:
        raise DomainError(_("The person's account is deactivated."), field="person")
    name = (person.full_name if person is not None else (name or "")).strip()
    if not name:
        raise DomainError(_("Choose a person or give the name."), field="name")
    if organisation is None and role not in WITHOUT_ORGANISATION:
        raise DomainError(_("Give the person's organisation."), field="organisation")
    valid_from = valid_from or day
    if valid_from < day:
        raise DomainError(
            _("An assignment starts today or later; the project's history is kept as it was."),
            field="valid_from",
        )
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(_("The end comes before the start."), field="valid_until")
    current = ProjectAssignment.objects.filter(
        project=project, role=role, withdrawn_at__isnull=True
    ).exclude(valid_until__lt=valid_from)
    if person is not None and current.filter(person=person).exists():
        raise DomainError(
            _("%(name)s is already %(part)s of the project.")
            % {"name": name, "part": AssignmentRole(role).label.lower()},
            field="person",
        )
    if role in SINGLE:
        for previous in current.select_for_update():
            _end_or_withdraw(actor, project, previous, valid_from - dt.timedelta(days=1))
    assignment = ProjectAssignment.objects.create(
        project=project,
        role=role,
        person=person,
        name=name,
        organisation=organisation,
        valid_from=valid_from,
        valid_until=valid_until,
        assigned_by=actor,
        assigned_at=recording_time(),
    )
    event_record(
        actor=actor,
        action="project.assigned",
        target=project,
        data={"name": name, "part": role, "valid_from": valid_from.isoformat()},
    )
    if person is not None:
        notify(
            "project_assigned",
            case=project,
            url=notices.project_url(project),
            people=[person],
            part=AssignmentRole(role).label.lower(),
            title=project.title,
            date=valid_from.isoformat(),
        )
    return assignment


def _end_or_withdraw(actor, project, assignment: ProjectAssignment, last_day: dt.date) -> None:
    data = {"name": assignment.name, "part": assignment.role}
    if last_day < assignment.valid_from:
        assignment.withdrawn_at = recording_time()
        assignment.save(update_fields=["withdrawn_at"])
        event_record(actor=actor, action="project.assignment_withdrawn", target=project, data=data)
        return
    if assignment.valid_until is None or assignment.valid_until > last_day:
        assignment.valid_until = last_day
        assignment.save(update_fields=["valid_until"])
        event_record(
            actor=actor,
            action="project.assignment_ended",
            target=project,
            data={**data, "valid_until": last_day.isoformat()},
        )


@transaction.atomic
def project_assignment_end(
    *,
    actor,
    assignment: ProjectAssignment,
    valid_until: dt.date | None = None,
    today: dt.date | None = None,
) -> ProjectAssignment:
    """End an assignment on ``valid_until`` (today by default; never in the past); one that
    has not begun by then is withdrawn."""
    day = today or recording_day()
    project = project_lock(assignment.project)
    assignment = ProjectAssignment.objects.select_for_update().get(pk=assignment.pk)
    last_day = valid_until or day
    if assignment.withdrawn_at is not None or (
        assignment.valid_until is not None and assignment.valid_until < day
    ):
        raise DomainError(_("The assignment has already ended."), code="ended")
    if last_day < day:
        raise DomainError(_("An assignment ends today or later."), field="valid_until")
    if assignment.valid_until is not None and last_day > assignment.valid_until:
        raise DomainError(
            _("The assignment already ends on %(date)s; it can only end earlier.")
            % {"date": assignment.valid_until.isoformat()},
            field="valid_until",
        )
    _end_or_withdraw(actor, project, assignment, last_day)
    assignment.refresh_from_db()
    return assignment

"""The notices of projects (registered with ``core.notices`` at start-up), the pages they link
to, and who hears about a project. The README's "Notifications" table lists who is told of
what; one test per row checks it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Membership, Role, RoleAssignment, User
from core.notices import Notice, register_notices

NOTICES = {
    "project_assigned": Notice(
        _("Project %(number)s: you are %(part)s"),
        _("You have been named %(part)s of the project %(title)s from %(date)s."),
    ),
    "project_revision_asked": Notice(
        _("Project %(number)s: revise the budget before the first payment"),
        _(
            "The board granted a reduced amount (%(amount)s). Revise the project's budget and "
            "benefits plan to the amount granted; the fund administrators accept the revision "
            "before the first payment."
        ),
    ),
    "project_state_changed": Notice(
        _("Project %(number)s: %(state)s"),
        _("The project %(title)s is now %(state)s. The reason is below, if one was given."),
    ),
    "report_before": Notice(
        _("Progress report for %(number)s due %(date)s"),
        _(
            "The progress report for the period ending %(period)s is due on %(date)s. Write it "
            "on the project's page."
        ),
    ),
    "report_due": Notice(
        _("Progress report for %(number)s due today"),
        _("The progress report for the period ending %(period)s is due today (%(date)s)."),
    ),
    "report_overdue": Notice(
        _("Progress report for %(number)s is overdue"),
        _(
            "The progress report for the period ending %(period)s was due on %(date)s and has "
            "not been submitted. Submit it as soon as you can."
        ),
    ),
    "report_submitted": Notice(
        _("Progress report for %(number)s submitted"),
        _(
            "The project %(title)s has submitted its progress report for the period ending "
            "%(period)s."
        ),
    ),
    "report_returned": Notice(
        _("Progress report for %(number)s returned for completion"),
        _(
            "The progress report for the period ending %(period)s has been returned for "
            "completion. What to complete is below."
        ),
    ),
    "change_submitted": Notice(
        _("Project %(number)s: %(change)s submitted"),
        _("The project %(title)s asks for a decision on a change. The reason is below."),
    ),
    "change_decided": Notice(
        _("Project %(number)s: %(change)s %(decision)s"),
        _("The fund administrators have decided on the change: %(decision)s. The reason is below."),
    ),
    "evaluation_completed": Notice(
        _("Project %(number)s: the evaluation names your organisation"),
        _(
            "The evaluation of the project %(title)s has been completed. It attributes measured "
            "cost reductions to %(organisation)s; you may read them and comment on them on the "
            "project's evaluation page."
        ),
    ),
}
register_notices(NOTICES)


def project_url(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def report_url(report) -> str:
    return reverse("projects:report", args=[report.project_id, report.pk])


def change_url(change) -> str:
    return reverse("projects:change", args=[change.project_id, change.pk])


def evaluation_url(project) -> str:
    return reverse("projects:evaluation", args=[project.pk])


def leads_of(project, on=None) -> list[User]:
    """The project manager and deputy in office (the people reports and changes are about)."""
    from projects.models import AssignmentRole, ProjectAssignment

    return [
        assignment.person
        for assignment in ProjectAssignment.objects.current(on)
        .filter(
            project=project,
            role__in=(AssignmentRole.MANAGER, AssignmentRole.DEPUTY),
            person__isnull=False,
        )
        .select_related("person")
        .order_by("role", "pk")
    ]


def owner_staff(project, on=None) -> list[User]:
    """The owner organisation's applicants: they name the project's people."""
    day = on or timezone.localdate()
    members = Membership.objects.active_on(day).filter(organisation_id=project.owner_id)
    applicants = RoleAssignment.objects.active_on(day).filter(role=Role.APPLICANT)
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=members.values("user_id"),
        )
        .filter(pk__in=applicants.values("user_id"))
        .order_by("pk")
    )


def project_side(project, on=None) -> list[User]:
    """Who hears about the project's reports and changes: the project manager and deputy, or,
    while none is named, the owner organisation's staff (so that nothing goes unheard)."""
    return leads_of(project, on) or owner_staff(project, on)


def organisation_people(organisation_id: int, on=None) -> list[User]:
    """The active people of an organisation (a benefiting organisation hears of the
    evaluation)."""
    members = Membership.objects.active_on(on or timezone.localdate()).filter(
        organisation_id=organisation_id
    )
    return list(
        User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by("pk")
    )

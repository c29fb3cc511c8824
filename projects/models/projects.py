"""Funded projects: the project a board's grant creates, its organisations, the board's
conditions to fulfil before the first payment, and the people assigned to it.

A project lives from the grant to the end of its reclaim: starting (conditions and, after a
reduced grant, the revised budget still to come) → active → investment phase ended →
evaluated → in reclaim → closed, and it may be paused (and resumed) or cancelled with a reason
(``projects/states.py``). Its budget, benefits plan and period are versioned
(``ProjectVersion``, ``projects/models/budget.py``); its money is in the fund's ledger.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from applications.models import Application, BoardDecision, ParticipantRole
from core import access, conflicts
from core.models import Organisation, RegistrationNumber
from core.money import MoneyField


class ProjectState(models.TextChoices):
    STARTING = "starting", _("Starting")
    ACTIVE = "active", pgettext_lazy("project", "Active")
    PAUSED = "paused", _("Paused")
    PHASE_ENDED = "phase_ended", _("Investment phase ended")
    EVALUATED = "evaluated", _("Evaluated")
    IN_RECLAIM = "in_reclaim", _("In reclaim")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", pgettext_lazy("project", "Cancelled")


class AssignmentRole(models.TextChoices):
    MANAGER = "manager", _("Project manager")
    DEPUTY = "deputy", _("Deputy project manager")
    STEERING = "steering", _("Steering group member")
    EVALUATOR = "evaluator", _("Evaluator")


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever may see the granted application (BRIEF.md "Who sees what": its
        organisations, those who read everything, council members not in conflict, the board
        secretary), the people assigned to the project, and the benefiting organisations of its
        benefits plan or evaluation (who read its summary and evaluation)."""
        if access.reads_everything(user):
            # Every project's application has been submitted, which they all read.
            return self
        visible = Q(
            Exists(
                ProjectAssignment.objects.filter(
                    project=OuterRef("pk"), person_id=user.pk, withdrawn_at__isnull=True
                )
            )
        )
        own = access.organisation_ids_of(user)
        if own:
            visible |= conflicts.involving(self.model, own)
        applications = Application.objects.all()
        if applications.beyond_own(user):
            # Otherwise the applications they see are those their organisations take part
            # in, which the project names itself (its owner and participants come from them).
            visible |= Q(application__in=applications.visible_to(user).values("pk"))
        return self.filter(visible)

    def matching(self, *, search: str = "", state: str = "", organisation=None):
        projects = self
        if search:
            numbers = RegistrationNumber.objects.search(search)
            projects = projects.filter(
                Q(title__icontains=search) | Q(registration__in=numbers.values("pk"))
            )
        if state:
            projects = projects.filter(state=state)
        if organisation is not None:
            projects = projects.filter(
                conflicts.involving(self.model, {organisation.pk}, parts=conflicts.PARTICIPATING)
            )
        return projects

    def for_list(self):
        return self.select_related("owner", "registration").order_by("-created_at", "-pk")


class Project(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="+", verbose_name=_("application")
    )
    board_decision = models.OneToOneField(
        BoardDecision, on_delete=models.PROTECT, related_name="+", verbose_name=_("board decision")
    )
    registration = models.ForeignKey(
        RegistrationNumber,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registration number"),
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead owner")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    granted_amount = MoneyField(_("granted amount (kr)"))
    # The investment phase, as the current version says (kept here for lists and queries).
    starts_on = models.DateField(_("investment phase starts"), null=True, blank=True)
    ends_on = models.DateField(_("investment phase ends"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ProjectState.choices, default=ProjectState.STARTING
    )
    # The state a paused project returns to, and why it was paused or cancelled.
    paused_from = models.CharField(max_length=16, blank=True)
    state_reason = models.TextField(_("reason"), blank=True)
    # After a reduced grant the owner revises budget and benefits plan before the first
    # payment; until a fund administrator accepts the revision this stays True.
    revision_required = models.BooleanField(_("revised budget required"), default=False)
    current_version = models.ForeignKey(
        "projects.ProjectVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    activated_on = models.DateField(_("started"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="projects_project_list")]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> range:
        """The calendar years of the investment phase."""
        if self.starts_on is None or self.ends_on is None:
            return range(0)
        return range(self.starts_on.year, self.ends_on.year + 1)


class ProjectParticipant(models.Model):
    """A co-owner or partner of the project (from the application)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="projects_participant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Condition(models.Model):
    """One of the board's conditions, fulfilled before the first payment; a fund
    administrator checks it off with a note."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conditions")
    text = models.TextField(_("condition"))
    met_on = models.DateField(_("met"), null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class AssignmentQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None):
        """In force on the day (today by default)."""
        day = on or timezone.localdate()
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            valid_from__lte=day,
            withdrawn_at__isnull=True,
        )


class ProjectAssignment(models.Model):
    """A person's part in a project: project manager, deputy or steering-group member (named
    by the owner organisation's staff), or evaluator (named by a fund administrator). History
    is kept: a new project manager ends the previous one's assignment."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("part"), max_length=16, choices=AssignmentRole.choices)
    # A person with an account (required to report or evaluate), or a steering-group member
    # named only by name.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_assignments",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("project assignment")
        verbose_name_plural = _("project assignments")
        ordering = ["role", "valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="projects_assignment_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def name_and_organisation(self) -> str:
        """The person as the project page shows them: the name, a comma and the organisation
        (an external evaluator has none)."""
        if self.organisation is None:
            return self.name
        return f"{self.name}, {self.organisation.name}"

    def is_current(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.withdrawn_at is None
            and self.valid_from <= day
            and (self.valid_until is None or self.valid_until >= day)
        )

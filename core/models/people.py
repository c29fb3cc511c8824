"""People, organisations, memberships, roles and the city director's delegations.

Roles and memberships carry a validity period (inclusive dates). Nothing here is deleted: a role
or membership is ended (or withdrawn before it started), a user is deactivated.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """The seven system roles of the brief. Project manager etc. are per-project, not here."""

    APPLICANT = "applicant", _("Applicant")
    FUND_ADMIN = "fund_admin", _("Fund administrator")
    COUNCIL_MEMBER = "council_member", _("Council member")
    SCIENTIFIC_REVIEWER = "scientific_reviewer", _("Scientific reviewer")
    CITY_DIRECTOR = "city_director", _("City director")
    BOARD_SECRETARY = "board_secretary", _("Board secretary")
    AUDITOR = "auditor", _("Auditor")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email, full_name, password=None, **extra):
        user = self.model(email=email, full_name=full_name, **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, full_name, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, full_name, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address."""

    # Stored in lower case (see save), so a plain unique index is case-insensitive in effect.
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("May open the read-only Django admin.")
    )
    date_joined = models.DateTimeField(_("created"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganisationKind(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", _("District committee")
    SPECIALIST_COMMITTEE = "specialist_committee", _("Specialist committee")
    COMPANY = "company", _("City-owned company")
    NONPROFIT = "nonprofit", _("Non-profit partner")


class OrganisationQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(
            Q(active_until__isnull=True) | Q(active_until__gte=day), active_from__lte=day
        )

    def matching(self, *, search: str = "", kind: str = "", status: str = "active", day):
        """The organisation filter: name, kind, and active on ``day``, ended, or all."""
        organisations = self
        if search:
            organisations = organisations.filter(
                Q(name__icontains=search) | Q(short_name__icontains=search)
            )
        if kind:
            organisations = organisations.filter(kind=kind)
        if status == "active":
            organisations = organisations.active_on(day)
        elif status == "ended":
            organisations = organisations.filter(active_until__lt=day)
        return organisations


class Organisation(models.Model):
    """A committee with its administration, a city-owned company or a non-profit partner.

    Active for a period; a reorganisation (``organisations.py``) ends it and names successors.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    active_from = models.DateField(_("active from"), default=dt.date(2000, 1, 1))
    active_until = models.DateField(_("active until"), null=True, blank=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="core_organisation_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_own_cases(self) -> bool:
        return self.kind != OrganisationKind.NONPROFIT

    def is_active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_until is None or self.active_until >= day)


class PeriodQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            valid_from__lte=day,
            withdrawn_at__isnull=True,
        )

    def current_or_future(self, day: dt.date):
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day), withdrawn_at__isnull=True
        )


class ValidityPeriod(models.Model):
    """An inclusive period of dates. Withdrawn: cancelled before it began, never in force."""

    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_period_in_order",
            )
        ]

    def is_active_on(self, day: dt.date) -> bool:
        return (
            self.withdrawn_at is None
            and self.valid_from <= day
            and (self.valid_until is None or self.valid_until >= day)
        )

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        mine_end = self.valid_until or dt.date.max
        return self.valid_from <= (end or dt.date.max) and start <= mine_end


class Membership(ValidityPeriod):
    """A person belongs to an organisation for a period (used for acting and for conflicts)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-valid_from", "pk"]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


class RoleAssignment(ValidityPeriod):
    """A person holds one of the seven roles for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    history = HistoricalRecords()

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["-valid_from", "pk"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class DelegationQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(valid_from__lte=day, valid_until__gte=day, ended_at__isnull=True)

    def current_or_future(self, day: dt.date):
        return self.filter(valid_until__gte=day, ended_at__isnull=True)


class Delegation(models.Model):
    """The city director names a delegate who decides in their place for a period.

    Decisions taken by the delegate record the delegation and show "på delegation".
    """

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("city director"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("delegate"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    note = models.TextField(_("scope and reason"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.TextField(_("reason for ending"), blank=True)

    history = HistoricalRecords()
    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="core_delegation_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")),
                name="core_delegation_not_to_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.valid_from}–{self.valid_until})"

    def is_active_on(self, day: dt.date) -> bool:
        return self.ended_at is None and self.valid_from <= day <= self.valid_until


class Invitation(models.Model):
    """A one-time link by which an invited person chooses their password.

    Only a hash of the token is stored; the link in the e-mail is the only copy of the token.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

"""Applications: start from an applicable sketch, edit the draft and its tables, attach files,
submit (a frozen version each time), return for revision, withdraw."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import notifications, versions
from applications.models import (
    Application,
    ApplicationAttachment,
    ApplicationParticipant,
    ApplicationState,
    ApplicationVersion,
    CallState,
    IdeaSketch,
    ReviewStatement,
    SketchState,
    budget_totals,
)
from applications.services.sketches import check_participants, set_participants
from core.errors import DomainError
from core.events import event_record, register_actions
from core.files import check_upload
from core.models import User
from core.money import format_kr
from core.services.registration import registration_number_describe

A = ApplicationState
# Recommended: the council's recommendation is recorded (and may be recorded again while the
# proposal is with the administrators). Not proposed: closed when the board's decisions on the
# call are recorded, for every application of the call that was not in the proposal.
ALLOWED_TRANSITIONS = {
    A.DRAFT: {A.SUBMITTED, A.WITHDRAWN, A.NOT_PROPOSED},
    A.SUBMITTED: {A.REVISION_REQUESTED, A.WITHDRAWN, A.RECOMMENDED, A.NOT_PROPOSED},
    A.REVISION_REQUESTED: {A.SUBMITTED, A.WITHDRAWN, A.NOT_PROPOSED},
    A.RECOMMENDED: {A.RECOMMENDED, A.GRANTED, A.REJECTED, A.NOT_PROPOSED},
    A.GRANTED: set(),
    A.REJECTED: set(),
    A.NOT_PROPOSED: set(),
    A.WITHDRAWN: set(),
}
EDITABLE_STATES = {A.DRAFT, A.REVISION_REQUESTED}
FIELDS = tuple(name for _key, _title, names in versions.FIELD_GROUPS for name in names)
OPTIONAL_FIELDS = {"contact_phone"}
# The tables edited with the draft, each with its editable columns.
REQUIRED_TABLES = ("activities", "milestones", "indicators", "savings", "budget")
# The tables edited with the draft, each with its editable columns (as its versions store them).
ROW_TABLES = {name: versions.TABLES_BY_NAME[name].columns for name in REQUIRED_TABLES}

register_actions(
    {
        "application.created": gettext_lazy("Application started from the idea sketch"),
        "application.updated": gettext_lazy("Application changed: %(changed)s"),
        "application.submitted": gettext_lazy("Version %(version)s submitted"),
        "application.revision_requested": gettext_lazy("Returned for revision"),
        "application.withdrawn": gettext_lazy("Application withdrawn"),
        "application.attachment_added": gettext_lazy("Attachment %(title)s added"),
        "application.attachment_removed": gettext_lazy("Attachment %(title)s removed"),
    }
)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__fund", "owner", "registration", "sketch")
        .get(pk=application.pk)
    )


def _refuse_transition(application: Application, to: str) -> None:
    if to not in ALLOWED_TRANSITIONS[A(application.state)]:
        raise DomainError(
            _("An application that is %(state)s cannot become %(to)s.")
            % {"state": application.get_state_display().lower(), "to": A(to).label.lower()},
            code="transition",
        )


def _refuse_unless_editable(application: Application) -> None:
    if application.state not in EDITABLE_STATES:
        raise DomainError(
            _(
                "The application is %(state)s and cannot be changed now. It can be changed "
                "while it is a draft or returned for revision."
            )
            % {"state": application.get_state_display().lower()},
            code="not_editable",
        )


@transaction.atomic
def application_create(
    *, actor: User, sketch: IdeaSketch, today: dt.date | None = None
) -> Application:
    """Start the application of an applicable sketch, prefilled from it."""
    day = today or timezone.localdate()
    sketch = (
        IdeaSketch.objects.select_for_update(of=("self",))
        .select_related("call", "registration")
        .get(pk=sketch.pk)
    )
    if sketch.state != SketchState.APPLICABLE:
        raise DomainError(
            _("Only an idea sketch the council judged applicable can become an application."),
            code="not_applicable",
        )
    existing = Application.objects.filter(sketch=sketch).first()
    if existing is not None:
        return existing  # a second click opens the one already started
    if not sketch.call.applications_open(day):
        raise DomainError(
            _("The last day for applications in %(title)s was %(date)s.")
            % {"title": sketch.call.title, "date": sketch.call.application_deadline.isoformat()},
            code="deadline_passed",
        )
    application = Application.objects.create(
        sketch=sketch,
        call=sketch.call,
        owner=sketch.owner,
        registration=sketch.registration,
        title=sketch.title,
        summary=sketch.summary,
        problem_and_target_group=sketch.problem_and_target_group,
        complements_ordinary_work=sketch.complements_ordinary_work,
        amount_requested=sketch.estimated_amount,
        contact_name=sketch.contact_name,
        contact_email=sketch.contact_email,
        contact_phone=sketch.contact_phone,
        created_by=actor,
    )
    ApplicationParticipant.objects.bulk_create(
        ApplicationParticipant(
            application=application, organisation_id=p.organisation_id, role=p.role
        )
        for p in sketch.participants.all()
    )
    event_record(
        actor=actor, action="application.created", target=application, to_state=application.state
    )
    return application


def _sync_rows(application: Application, name: str, rows: list[dict]) -> bool:
    """Make the table hold exactly ``rows``: rows with a ``pk`` of this application are
    updated, rows without one created, rows left out removed. Returns whether anything
    changed."""
    columns = ROW_TABLES[name]
    related = getattr(application, name)
    current = {row.pk: row for row in related.all()}
    keep = set()
    changed = False
    for values in rows:
        pk = values.get("pk")
        if pk is not None and pk not in current:
            raise DomainError(_("A row of the table no longer exists. Reload the page."))
        if pk is None:
            related.create(**{column: values.get(column) for column in columns})
            changed = True
            continue
        keep.add(pk)
        row = current[pk]
        dirty = [column for column in columns if getattr(row, column) != values.get(column)]
        for column in dirty:
            setattr(row, column, values.get(column))
        if dirty:
            row.save(update_fields=dirty)
            changed = True
    for pk, row in current.items():
        if pk not in keep:
            row.delete()  # a draft's row; the history table and submitted versions keep it
            changed = True
    return changed


@transaction.atomic
def application_update(
    *,
    actor: User,
    application: Application,
    co_owners=None,
    partners=None,
    rows: dict[str, list[dict]] | None = None,
    **fields,
) -> Application:
    """Save the draft: its fields, co-owners and partners (when given), and (for each table
    given in ``rows``) the table's rows."""
    application = _lock(application)
    _refuse_unless_editable(application)
    participants_given = co_owners is not None or partners is not None
    co_owners, partners = list(co_owners or ()), list(partners or ())
    if participants_given:
        check_participants(application.owner, co_owners, partners, timezone.localdate())
    cleaned = {name: fields.get(name, getattr(application, name)) for name in FIELDS}
    for name, value in cleaned.items():
        if isinstance(value, str):
            cleaned[name] = value.strip()
        elif value is None and isinstance(
            Application._meta.get_field(name), (models.CharField, models.TextField)
        ):
            cleaned[name] = ""
    if not cleaned["title"]:
        raise DomainError(_("Give the application a title."), field="title")
    if cleaned["amount_requested"] is not None and cleaned["amount_requested"] < 0:
        raise DomainError(_("Give the amount in whole kronor."), field="amount_requested")
    start, end = cleaned["planned_start"], cleaned["planned_end"]
    if start and end and end < start:
        raise DomainError(_("The planned end comes before the planned start."), field="planned_end")
    changed = [name for name in FIELDS if getattr(application, name) != cleaned[name]]
    for name in changed:
        setattr(application, name, cleaned[name])
    if changed:
        application.save(update_fields=changed)
    # Stored as names and shown as labels, so the log reads in the viewer's language.
    labels = [f"applications.Application.{name}" for name in changed]
    if participants_given and set_participants(application, co_owners, partners):
        labels.append("applications.ApplicationParticipant")
    for name, table_rows in (rows or {}).items():
        if _sync_rows(application, name, table_rows):
            labels.append(versions.TABLES_BY_NAME[name].model._meta.label)
    if labels:
        event_record(
            actor=actor, action="application.updated", target=application, data={"changed": labels}
        )
    return application


def problems_on_submit(application: Application) -> list[str]:
    """What stops the application from being submitted, each as a sentence."""
    problems = []
    missing = [
        str(Application._meta.get_field(name).verbose_name)
        for name in FIELDS
        if name not in OPTIONAL_FIELDS and getattr(application, name) in (None, "")
    ]
    if missing:
        problems.append(_("Fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    for name in REQUIRED_TABLES:
        if not getattr(application, name).exists():
            problems.append(
                _("Add at least one row to: %(table)s.")
                % {"table": str(versions.TABLES_BY_NAME[name].title).lower()}
            )
    budget = list(application.budget.select_related("recipient"))
    total = budget_totals(budget).fund
    if application.amount_requested is not None and total != application.amount_requested:
        problems.append(
            _(
                "The amount requested (%(requested)s) must equal the budget's rows financed by "
                "the fund (%(total)s), a difference of %(difference)s."
            )
            % {
                "requested": format_kr(application.amount_requested),
                "total": format_kr(total),
                "difference": format_kr(abs(application.amount_requested - total)),
            }
        )
    participants = application.participants.select_related("organisation")
    allowed = {application.owner_id} | {
        p.organisation_id for p in participants if p.organisation.can_own_cases
    }
    strangers = sorted({row.recipient.name for row in budget if row.recipient_id not in allowed})
    if strangers:
        problems.append(
            _(
                "The fund pays only the owner, co-owners and partner departments; the budget "
                "names other recipients: %(names)s."
            )
            % {"names": ", ".join(strangers)}
        )
    start, end = application.planned_start, application.planned_end
    if start and end:
        outside = sorted({row.year for row in budget if not start.year <= row.year <= end.year})
        if outside:
            problems.append(
                _("Budget rows fall outside the project period %(start)s–%(end)s: %(years)s.")
                % {
                    "start": start.year,
                    "end": end.year,
                    "years": ", ".join(str(year) for year in outside),
                }
            )
    return problems


@transaction.atomic
def application_submit(
    *, actor: User, application: Application, at: dt.datetime | None = None
) -> ApplicationVersion:
    """Freeze the application as its next version. A draft must be submitted by the call's
    last day for applications; a revision asked for may be submitted after it."""
    application = _lock(application)
    _refuse_transition(application, A.SUBMITTED)
    at = at or timezone.now()
    day = timezone.localdate(at)
    call = application.call
    if application.state == A.DRAFT and not call.applications_open(day):
        raise DomainError(
            _(
                "The last day for applications in %(title)s was %(date)s. The application is "
                "kept as a draft but can no longer be submitted."
            )
            % {"title": call.title, "date": call.application_deadline.isoformat()},
            code="deadline_passed",
        )
    if call.state == CallState.CANCELLED:
        raise DomainError(
            _("The call %(title)s has been cancelled.") % {"title": call.title},
            code="call_cancelled",
        )
    problems = problems_on_submit(application)
    if problems:
        raise DomainError(" ".join(problems), code="incomplete")
    last = application.versions.aggregate(last=Max("number"))["last"] or 0
    version = ApplicationVersion.objects.create(
        application=application,
        number=last + 1,
        submitted_at=at,
        submitted_by=actor,
        content=versions.snapshot(application),
    )
    from_state = application.state
    application.state = A.SUBMITTED
    application.current_version = version.number
    application.submitted_at = at
    application.save(update_fields=["state", "current_version", "submitted_at"])
    registration_number_describe(
        number=application.registration, subject=application.title, counterpart=application.owner
    )
    event_record(
        actor=actor,
        action="application.submitted",
        target=application,
        from_state=from_state,
        to_state=application.state,
        data={"version": version.number},
    )
    url = notifications.application_url(application)
    notifications.notify(
        "application_receipt", case=application, url=url, people=[actor], version=version.number
    )
    notifications.notify_fund_administrators(
        "application_submitted", case=application, url=url, version=version.number
    )
    if version.number > 1:
        reviewers = [
            assignment.reviewer
            for assignment in application.assignments.active().select_related("reviewer")
        ]
        notifications.notify(
            "review_new_version",
            case=application,
            url=notifications.review_url(application),
            people=reviewers,
            version=version.number,
        )
    return version


@transaction.atomic
def application_request_revision(
    *, actor: User, application: Application, message: str, statements=()
) -> Application:
    """A fund administrator returns a submitted application to the applicant for revision,
    optionally with scientific statements attached (shown to the applicant without the
    reviewers' names)."""
    application = _lock(application)
    _refuse_transition(application, A.REVISION_REQUESTED)
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say what the applicant should revise."), field="message")
    statement_ids = [statement.pk for statement in statements]
    attached = ReviewStatement.objects.filter(
        pk__in=statement_ids, assignment__application=application
    )
    if len(attached) != len(set(statement_ids)):
        raise DomainError(_("Attach only statements on this application."), field="statements")
    from_state = application.state
    application.state = A.REVISION_REQUESTED
    application.revision_message = message
    application.save(update_fields=["state", "revision_message"])
    now = timezone.now()
    for statement in attached:
        if statement.shared_at is None:
            statement.shared_at = now
            statement.save(update_fields=["shared_at"])
    event_record(
        actor=actor,
        action="application.revision_requested",
        target=application,
        from_state=from_state,
        to_state=application.state,
        comment=message,
        data={"statements": len(attached)},
    )
    last = application.versions.select_related("submitted_by").order_by("-number").first()
    notifications.notify(
        "application_revision_requested",
        case=application,
        url=notifications.application_url(application),
        people=[last.submitted_by if last else None],
        emails=[application.contact_email],
        comment=message,
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str) -> Application:
    application = _lock(application)
    _refuse_transition(application, A.WITHDRAWN)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for withdrawing."), field="reason")
    from_state = application.state
    application.state = A.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["state", "withdrawn_at"])
    event_record(
        actor=actor,
        action="application.withdrawn",
        target=application,
        from_state=from_state,
        to_state=application.state,
        comment=reason,
    )
    if application.current_version:
        notifications.notify_fund_administrators(
            "application_withdrawn",
            case=application,
            url=notifications.application_url(application),
        )
    return application


@transaction.atomic
def application_attachment_add(
    *, actor: User, application: Application, title: str, uploaded
) -> ApplicationAttachment:
    application = _lock(application)
    _refuse_unless_editable(application)
    checked = check_upload(uploaded)
    attachment = ApplicationAttachment(
        application=application,
        title=(title or "").strip() or checked.name,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    attachment.file.save(checked.name, uploaded, save=False)
    attachment.save()
    event_record(
        actor=actor,
        action="application.attachment_added",
        target=application,
        data={"title": attachment.title},
    )
    return attachment


@transaction.atomic
def application_attachment_remove(
    *, actor: User, attachment: ApplicationAttachment
) -> ApplicationAttachment:
    """Take a file out of the draft. The file stays: submitted versions may list it."""
    application = _lock(attachment.application)
    _refuse_unless_editable(application)
    attachment = ApplicationAttachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        event_record(
            actor=actor,
            action="application.attachment_removed",
            target=application,
            data={"title": attachment.title},
        )
    return attachment

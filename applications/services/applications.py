"""Applications: start from an applicable sketch, edit the draft and its tables, attach files,
submit (a frozen version each time), return for revision, withdraw."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import notices, versions
from applications.models import (
    Application,
    ApplicationAttachment,
    ApplicationParticipant,
    ApplicationState,
    ApplicationVersion,
    IdeaSketch,
    ReviewStatement,
)
from applications.periods import period_refusal
from applications.selectors.cases import problems_on_submit, problems_text
from applications.services.locks import application_lock, sketch_lock
from applications.services.participants import check_participants, set_participants
from applications.services.reviews import assignments_end_on_conflict
from applications.services.to_do import review_tasks_sync
from applications.states import APPLICATION, application_start_refusal, application_submit_refusal
from applications.versions import APPLICATION_FIELDS, ROW_TABLES
from core.errors import DomainError
from core.events import event_record
from core.files import store_upload
from core.models import User
from core.notices import notify, notify_fund_administrators
from core.services.registration import registration_number_describe

A = ApplicationState


@transaction.atomic
def application_create(
    *, actor: User, sketch: IdeaSketch, today: dt.date | None = None
) -> Application:
    """Start the application of an applicable sketch, prefilled from it."""
    day = today or timezone.localdate()
    sketch = sketch_lock(sketch)
    refusal = application_start_refusal(sketch, day)
    if refusal is not None and refusal.code == "not_applicable":
        raise refusal
    existing = Application.objects.filter(sketch=sketch).first()
    if existing is not None:
        return existing  # a second click opens the one already started (also after the deadline)
    if refusal is not None:
        raise refusal
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
    application = application_lock(application)
    APPLICATION.check_editable(application)
    participants_given = co_owners is not None or partners is not None
    co_owners, partners = list(co_owners or ()), list(partners or ())
    if participants_given:
        check_participants(application.owner, co_owners, partners, timezone.localdate())
    cleaned = {name: fields.get(name, getattr(application, name)) for name in APPLICATION_FIELDS}
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
    refusal = period_refusal(application.call, cleaned["planned_start"], cleaned["planned_end"])
    if refusal is not None:
        raise refusal
    changed = [name for name in APPLICATION_FIELDS if getattr(application, name) != cleaned[name]]
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
        # A revision may name a reviewer's organisation: that reviewer takes no further part.
        assignments_end_on_conflict(actor=actor, application=application)
    return application


@transaction.atomic
def application_submit(
    *, actor: User, application: Application, at: dt.datetime | None = None
) -> ApplicationVersion:
    """Freeze the application as its next version. A draft must be submitted by the call's
    last day for applications; a revision asked for may be submitted after it."""
    application = application_lock(application)
    at = at or timezone.now()
    refusal = application_submit_refusal(application, timezone.localdate(at))
    if refusal is not None:
        raise refusal
    problems = problems_on_submit(application)
    if problems:
        raise DomainError(problems_text(problems), code="incomplete")
    from_state = application.state
    last = application.versions.aggregate(last=Max("number"))["last"] or 0
    version = ApplicationVersion.objects.create(
        application=application,
        number=last + 1,
        submitted_at=at,
        submitted_by=actor,
        content=versions.snapshot(application),
    )
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
    url = notices.application_url(application)
    notify("application_receipt", case=application, url=url, people=[actor], version=version.number)
    notify_fund_administrators(
        "application_submitted", case=application, url=url, version=version.number
    )
    assignments_end_on_conflict(actor=actor, application=application, on=timezone.localdate(at))
    review_tasks_sync(application)  # a new version to review
    if version.number > 1:
        reviewers = [
            assignment.reviewer
            for assignment in application.assignments.active().select_related("reviewer")
        ]
        notify(
            "review_new_version",
            case=application,
            url=notices.review_url(application),
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
    application = application_lock(application)
    from_state = APPLICATION.check(application, A.REVISION_REQUESTED)
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say what the applicant should revise."), field="message")
    statement_ids = [statement.pk for statement in statements]
    attached = ReviewStatement.objects.filter(
        pk__in=statement_ids, assignment__application=application
    )
    if len(attached) != len(set(statement_ids)):
        raise DomainError(_("Attach only statements on this application."), field="statements")
    application.state = A.REVISION_REQUESTED
    application.revision_message = message
    application.save(update_fields=["state", "revision_message"])
    review_tasks_sync(application)
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
    notify(
        "application_revision_requested",
        case=application,
        url=notices.application_url(application),
        **notices.applicant_side(application),
        comment=message,
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str) -> Application:
    application = application_lock(application)
    from_state = APPLICATION.check(application, A.WITHDRAWN)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for withdrawing."), field="reason")
    application.state = A.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["state", "withdrawn_at"])
    review_tasks_sync(application)
    event_record(
        actor=actor,
        action="application.withdrawn",
        target=application,
        from_state=from_state,
        to_state=application.state,
        comment=reason,
    )
    if application.current_version:
        notify_fund_administrators(
            "application_withdrawn", case=application, url=notices.application_url(application)
        )
    return application


@transaction.atomic
def application_attachment_add(
    *, actor: User, application: Application, title: str, uploaded
) -> ApplicationAttachment:
    application = application_lock(application)
    APPLICATION.check_editable(application)
    attachment = store_upload(
        ApplicationAttachment(application=application), uploaded, title=title, by=actor
    )
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
    application = application_lock(attachment.application)
    APPLICATION.check_editable(application)
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

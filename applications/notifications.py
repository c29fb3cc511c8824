"""Who is told by e-mail when a sketch or an application changes state.

The table in the README ("Notifications") lists the same; one test per row checks it. Every
e-mail is rendered in the recipient's language (their account's, or Swedish for a contact
person without an account) and queued with the outgoing-mail record.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.selectors import fund_administrators
from core.services.mail import email_queue, email_render


@dataclass(frozen=True)
class Notice:
    subject: object
    lead: object


NOTICES = {
    "sketch_receipt": Notice(
        _("Receipt: idea sketch %(number)s"),
        _(
            "Your idea sketch has been received and registered under number %(number)s. "
            "Quote the number in all contacts about the case."
        ),
    ),
    "sketch_submitted": Notice(
        _("New idea sketch %(number)s"),
        _("An idea sketch has been submitted and waits for the council's applicability decision."),
    ),
    "sketch_withdrawn": Notice(
        _("Idea sketch %(number)s withdrawn"),
        _("The applicant has withdrawn the idea sketch."),
    ),
    "sketch_applicable": Notice(
        _("Idea sketch %(number)s is applicable"),
        _("The council has judged the idea sketch applicable. You may now write the application."),
    ),
    "sketch_not_applicable": Notice(
        _("Idea sketch %(number)s is not applicable"),
        _(
            "The council has judged the idea sketch not applicable. The decision is final; you "
            "may start a new sketch in an open call, linked to this one."
        ),
    ),
    "sketch_returned": Notice(
        _("Idea sketch %(number)s returned for completion"),
        _(
            "The council has returned the idea sketch for completion. It keeps its number; "
            "complete it and submit it again."
        ),
    ),
    "application_receipt": Notice(
        _("Receipt: application %(number)s, version %(version)s"),
        _(
            "Your application has been received as version %(version)s under number "
            "%(number)s. The submitted version is kept exactly as sent."
        ),
    ),
    "application_submitted": Notice(
        _("Application %(number)s submitted (version %(version)s)"),
        _("An application has been submitted."),
    ),
    "application_revision_requested": Notice(
        _("Application %(number)s returned for revision"),
        _("The fund administrators have returned the application for revision."),
    ),
    "application_withdrawn": Notice(
        _("Application %(number)s withdrawn"),
        _("The applicant has withdrawn the application."),
    ),
}


def _recipients(people, emails=()) -> list[tuple[str, str]]:
    """(address, language) once per address: people in their language, others in Swedish."""
    seen: dict[str, str] = {}
    for person in people:
        if person is not None and person.is_active and person.email not in seen:
            seen[person.email] = person.language
    known = dict(
        User.objects.filter(email__in=[e.lower() for e in emails if e]).values_list(
            "email", "language"
        )
    )
    for email in emails:
        address = (email or "").strip().lower()
        if address and address not in seen:
            seen[address] = known.get(address, "sv")
    return list(seen.items())


_muted: ContextVar[bool] = ContextVar("fondadmin_notifications_muted", default=False)


@contextlib.contextmanager
def muted():
    """No e-mails inside: for loading historic demo cases, whose e-mails were never sent."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify(kind: str, *, case, url: str, people=(), emails=(), comment: str = "", **data):
    notice = NOTICES[kind]
    if _muted.get():
        return
    number = str(case.registration) if case.registration_id else ""
    data = {"number": number, **data}
    for address, language in _recipients(people, emails):
        with translation.override(language):
            texts = {"subject": str(notice.subject) % data, "lead": str(notice.lead) % data}
        subject, body = email_render(
            "case_notice",
            {**texts, "case": case, "number": number, "comment": comment, "path": url},
            language=language,
        )
        email_queue(kind=kind, to=[address], subject=subject, body=body)


def notify_fund_administrators(kind: str, *, case, url: str, **data):
    notify(kind, case=case, url=url, people=list(fund_administrators()), **data)


def sketch_url(sketch) -> str:
    return reverse("sketches:detail", args=[sketch.pk])


def application_url(application) -> str:
    return reverse("applications:detail", args=[application.pk])

"""Case notices: the e-mails a business action sends about a case, and to whom.

Each app registers its notices at start-up (``register_notices`` from ``AppConfig.ready``): a
kind, its subject and lead, lazy format strings filled with the case's registration number and
the action's data. A service calls ``notify(kind, ...)`` with the people and addresses to tell;
every e-mail is rendered in the recipient's language (their account's, or Swedish for an
address without an account) and stored with the outgoing mail, which a task sends after
commit. The README's "Notifications" table lists who is told of what.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import translation

from core.models import User
from core.selectors import fund_administrators
from core.services.mail import email_queue, email_render


@dataclass(frozen=True)
class Notice:
    subject: object
    lead: object


_NOTICES: dict[str, Notice] = {}


def register_notices(notices: Mapping[str, Notice]) -> None:
    """Register notices by kind. A kind is registered once; the same notice again is a no-op."""
    for kind, notice in notices.items():
        if _NOTICES.get(kind, notice) != notice:
            raise ValueError(f"Notice {kind!r} is already registered with other texts.")
        _NOTICES[kind] = notice


def notice(kind: str) -> Notice:
    try:
        return _NOTICES[kind]
    except KeyError:
        raise LookupError(f"Unregistered notice {kind!r}: call register_notices first.") from None


def recipients(people, emails=()) -> list[tuple[str, str]]:
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


def notify(kind: str, *, case, url: str, people=(), emails=(), comment: str = "", **data) -> None:
    """Tell ``people`` and ``emails`` about ``case`` (its page at ``url``), each once."""
    text = notice(kind)
    if _muted.get():
        return
    number = str(case.registration) if getattr(case, "registration_id", None) else ""
    data = {"number": number, **data}
    for address, language in recipients(people, emails):
        with translation.override(language):
            texts = {"subject": str(text.subject) % data, "lead": str(text.lead) % data}
        subject, body = email_render(
            "case_notice",
            {**texts, "case": case, "number": number, "comment": comment, "path": url},
            language=language,
        )
        email_queue(kind=kind, to=[address], subject=subject, body=body)


def notify_fund_administrators(kind: str, *, case, url: str, **data) -> None:
    notify(kind, case=case, url=url, people=list(fund_administrators()), **data)

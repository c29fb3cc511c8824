"""Reports of accessibility problems, as the accessibility statement promises."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors
from core.errors import DomainError
from core.models import AccessibilityReport
from core.services.mail import email_queue, email_render


@transaction.atomic
def accessibility_report_submit(
    *, reporter, name: str, email: str, page: str, description: str
) -> AccessibilityReport:
    """Store the report and e-mail it to the fund administrators (and the contact address
    configured for accessibility), each in their own language."""
    if not description.strip():
        raise DomainError(_("Describe the problem."), field="description")
    report = AccessibilityReport.objects.create(
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        name=name.strip(),
        email=email.strip(),
        page=page.strip(),
        description=description.strip(),
        created_at=timezone.now(),
    )
    recipients = [(u.email, u.language) for u in selectors.fund_administrators()]
    if settings.ACCESSIBILITY_CONTACT_EMAIL:
        recipients.append((settings.ACCESSIBILITY_CONTACT_EMAIL, settings.LANGUAGE_CODE))
    for address, language in recipients:
        subject, body = email_render("accessibility_report", {"report": report}, language=language)
        email_queue(kind="accessibility_report", to=[address], subject=subject, body=body)
    return report

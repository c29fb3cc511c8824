"""Invite the first fund administrator of a new installation (after that, fund administrators
invite everyone in the app). Run again for the same address, it sends a new invitation if the
first was never accepted."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import services
from core.errors import DomainError
from core.models import Role, User


class Command(BaseCommand):
    help = "Invite a fund administrator: creates the person with the role and e-mails a link."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument("--language", default="sv", choices=["sv", "en"])

    def handle(self, *args, email, name, language, **options):
        existing = User.objects.filter(email__iexact=email.strip()).first()
        try:
            if existing is not None:
                invitation = services.invitation_resend(actor=None, user=existing)
            else:
                invitation = services.user_invite(
                    actor=None,
                    email=email,
                    full_name=name,
                    language=language,
                    roles=[Role.FUND_ADMIN],
                    valid_from=timezone.localdate(),
                )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{invitation.user.full_name} <{invitation.user.email}> is invited as fund "
                f"administrator. The invitation e-mail is on its way; it is valid until "
                f"{timezone.localtime(invitation.expires_at):%Y-%m-%d}."
            )
        )

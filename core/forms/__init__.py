"""Forms validate and lay out; the rules live in the services."""

from __future__ import annotations

import datetime as dt
import time
import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import throttle
from core.files import ALLOWED_LABEL
from core.forms.widgets import QuickSelect
from core.ids import parse_id
from core.middleware import PENDING_MAX_AGE, PENDING_POST_KEY
from core.models import Organisation, Role, User

# --- Shared pieces ---------------------------------------------------------------------------

# Django 6 labels empty choices with this string, which its own Swedish catalogue lacks; having it
# here puts it in ours (which takes precedence), so every select in the app reads in Swedish.
CHOOSE = _("- Select an option -")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, for example 2026-11-22.")},
    )


class IdModelChoiceField(forms.ModelChoiceField):
    """A choice of one record by its id, read as ``core.ids.parse_id`` reads it: "²", Arabic-Indic
    digits or 2**63 are "not one of the choices", never another record or a database error."""

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of records by their ids, each read as ``core.ids.parse_id`` reads it."""

    def _check_values(self, value):
        for pk in value:
            if isinstance(pk, str) and parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class IdField(forms.IntegerField):
    """A record's id in a hidden field (a table row's, a version's number), ASCII digits in
    range."""

    def to_python(self, value):
        bad = isinstance(value, str) and value not in self.empty_values
        if bad and parse_id(value.strip()) is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class CrispyMixin:
    """Forms render their own fields; templates write the <form> tag and the buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relayout()

    def relayout(self) -> None:
        """Lay out the fields the form has now (call again after adding fields)."""
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class IdempotentMixin(forms.Form):
    """A one-time key in the form: see ``core.views.idempotent``."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())


def restore_pending_post(request) -> QueryDict | None:
    """What this person had typed into this page's form when their session expired: once, for
    the same person, within half an hour."""
    pending = request.session.get(PENDING_POST_KEY)
    if not pending or pending.get("path") != request.path:
        return None
    del request.session[PENDING_POST_KEY]
    fresh = time.time() - pending.get("saved_at", 0) <= PENDING_MAX_AGE
    if not fresh or pending.get("user") != str(request.user.pk):
        return None
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    return data


def bound_or_restored(request):
    """POST data on a POST; on a GET, the data kept across an expired session, if any."""
    if request.method == "POST":
        return request.POST
    return restore_pending_post(request)


# --- Login and passwords ---------------------------------------------------------------------


class LoginForm(CrispyMixin, auth_forms.AuthenticationForm):
    """Logs in with the e-mail address. A deactivated account is told so (only to someone who
    knows its password), instead of the usual "wrong e-mail or password"."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is wrong. Both are checked exactly as typed; "
            "the password is case-sensitive."
        ),
        "inactive": _(
            "Your account has been deactivated. Contact the fund administrators if you need "
            "access again."
        ),
    }

    # When a refused login may be tried again (set when logins are paused, core.throttle).
    paused_until: dt.datetime | None = None

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                self._refuse_if_paused(email)
                inactive = User.objects.filter(email__iexact=email, is_active=False).first()
                if inactive is None:
                    # Hash once more anyway, so that the time taken does not tell which
                    # addresses belong to deactivated accounts.
                    make_password(password)
                elif inactive.check_password(password):
                    raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _refuse_if_paused(self, email: str) -> None:
        """django-axes marks the request when this attempt was refused, or was the failure
        that reached the limit; the message says until when, never whether the account
        exists (unknown addresses are paused too)."""
        if not getattr(self.request, "axes_locked_out", False):
            return
        self.paused_until = throttle.paused_until(self.request, email)
        if self.paused_until is None:  # pragma: no cover - the pause ended in between
            return
        raise forms.ValidationError(
            _(
                "Too many failed attempts to log in. Logging in with this e-mail address or "
                "from this network is paused until %(time)s. Try again then, or ask a fund "
                "administrator to lift the pause."
            ),
            code="paused",
            params={"time": date_format(throttle.try_again_at(self.paused_until), "H:i")},
        )


class PasswordResetForm(CrispyMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args, **kwargs):
        """Send through the e-mail queue with our own link, to active users only. Whether the
        address exists is not revealed."""
        from core.services import password_reset_send

        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_send(user=user)


class SetPasswordForm(CrispyMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(CrispyMixin, auth_forms.PasswordChangeForm):
    pass


class InvitationAcceptForm(CrispyMixin, forms.Form):
    """The invited person chooses a password."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# --- People ---------------------------------------------------------------------------------


def _role_choices():
    return [(value, label) for value, label in Role.choices]


class UserInviteForm(CrispyMixin, IdempotentMixin):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)
    organisation = IdModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No organisation"),
        help_text=_("Required for applicants. External reviewers may have none."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=_role_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    valid_from = date_field(_("Valid from"))
    valid_until = date_field(
        _("Valid until"), required=False, help_text=_("Leave empty if there is no end date.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.initial.setdefault("valid_from", timezone.localdate())
        self.initial.setdefault("language", "sv")


class UserEditForm(CrispyMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    is_staff = forms.BooleanField(label=_("May open the read-only Django admin"), required=False)


class ReasonForm(CrispyMixin, IdempotentMixin, forms.Form):
    """The one form for a reason or a comment that goes with an action (ending a role,
    cancelling a call, withdrawing a case...). ``label``, whether it is ``required`` and the
    ``message`` when it is missing are the page's; the service decides what it needs."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, label=None, required: bool = True, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label or (_("Reason") if required else _("Comment (optional)"))
        field.required = required
        if message:
            field.error_messages["required"] = message


class CommentForm(CrispyMixin, IdempotentMixin, forms.Form):
    """A comment in a case's thread; ``about``: the organisations whose rows the writer may
    comment on (a benefiting organisation on the savings attributed to it)."""

    text = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the comment.")},
    )
    about = forms.TypedChoiceField(
        label=_("About the rows of"), coerce=int, required=False, choices=[]
    )

    def __init__(self, *args, about=(), **kwargs):
        super().__init__(*args, **kwargs)
        if about:
            self.fields["about"].choices = [(org.pk, org.name) for org in about]
            self.fields["about"].required = True
        else:
            del self.fields["about"]
        self.relayout()


class DocumentForm(CrispyMixin, IdempotentMixin, forms.Form):
    """A file with a title: a call's guidance document, an application's attachment."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    file = forms.FileField(
        label=_("File"), error_messages={"required": _("Choose a file to upload.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Allowed: %(types)s. At most %(limit)s MB.") % {
            "types": ALLOWED_LABEL,
            "limit": settings.FONDADMIN_MAX_UPLOAD_MB,
        }


class RoleAssignForm(CrispyMixin, IdempotentMixin):
    role = forms.ChoiceField(label=_("Role"), choices=_role_choices)
    valid_from = date_field(_("Valid from"))
    valid_until = date_field(
        _("Valid until"), required=False, help_text=_("Leave empty if there is no end date.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("valid_from", timezone.localdate())


class MembershipAddForm(CrispyMixin, IdempotentMixin):
    organisation = IdModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=CHOOSE
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    valid_from = date_field(_("Valid from"))
    valid_until = date_field(
        _("Valid until"), required=False, help_text=_("Leave empty if there is no end date.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.initial.setdefault("valid_from", timezone.localdate())


class PeriodEndForm(CrispyMixin, forms.Form):
    valid_until = date_field(
        _("Last day"), help_text=_("The role or membership holds until the end of this day.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("valid_until", timezone.localdate())


class FilterFormMixin:
    """Filter forms are laid out by their templates in a row: Bootstrap classes on the widgets.
    Their selects are rendered in Python (``QuickSelect``): a list page renders its filters on
    every request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"
            if type(field.widget) is forms.Select:
                field.widget.__class__ = QuickSelect  # the same widget, rendered in Python


class UserFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(label=_("Search name or e-mail"), required=False, widget=forms.SearchInput)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=lambda: [("", _("All roles")), *Role.choices]
    )
    organisation = IdModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("All organisations"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("Active")),
            ("invited", _("Invited, not yet accepted")),
            ("inactive", _("Deactivated")),
        ],
    )


# --- Delegations -----------------------------------------------------------------------------


class DelegationForm(CrispyMixin, IdempotentMixin):
    delegate = IdModelChoiceField(
        label=_("Delegate"), queryset=User.objects.none(), empty_label=CHOOSE
    )
    valid_from = date_field(_("From"))
    valid_until = date_field(_("Until (inclusive)"))
    note = forms.CharField(
        label=_("Scope and reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For example: holiday, weeks 28-31."),
    )

    def __init__(self, *args, director=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("full_name")
        if director is not None:
            people = people.exclude(pk=director.pk)
        self.fields["delegate"].queryset = people
        today = timezone.localdate()
        self.initial.setdefault("valid_from", today)
        self.initial.setdefault("valid_until", today + dt.timedelta(days=14))


# --- Accessibility reports ----------------------------------------------------------------------


class AccessibilityReportForm(CrispyMixin, IdempotentMixin):
    description = forms.CharField(
        label=_("What is the problem?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Describe what you tried to do and what happened."),
    )
    page = forms.CharField(label=_("Which page? (optional)"), max_length=500, required=False)
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        required=False,
        help_text=_("Fill this in if you want an answer."),
    )

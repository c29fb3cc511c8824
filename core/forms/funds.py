"""Forms for funds, the ledger and the register."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import (
    CHOOSE,
    CrispyMixin,
    DateInput,
    FilterFormMixin,
    IdempotentMixin,
    IdModelChoiceField,
    date_field,
)
from core.models import HAND_KINDS, EntryKind, Fund
from core.money import MoneyFormField


class FundForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Fund
        fields = [
            "name",
            "registration_series",
            "started_on",
            "financing_ends_on",
            "reclaim_window_years",
            "max_project_years",
            "report_due_days",
            "description",
        ]
        widgets = {
            "started_on": DateInput(),
            "financing_ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_series"].widget.attrs["autocapitalize"] = "characters"
        if self.instance.pk:
            # Once the fund exists, its reclaim period changes with its reclaim rules (the
            # reclaim app's policy page, one version per change).
            del self.fields["reclaim_window_years"]


class LedgerEntryForm(CrispyMixin, IdempotentMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", CHOOSE), *[(kind.value, kind.label) for kind in HAND_KINDS]],
        help_text=_(
            "Grants, releases, disbursements, refunds and returns are entered by the steps "
            "that cause them, not here."
        ),
    )
    amount = MoneyFormField(
        label=_("Amount (kr)"), min_value=1, help_text=_("Whole kronor, for example 1 234 567.")
    )
    value_date = date_field(
        _("Value date"), help_text=_("The day the money moved; the position counts from it.")
    )
    reference = forms.CharField(
        label=_("Decision or reference"),
        max_length=200,
        required=False,
        help_text=_("Required for injections and withdrawals, for example KF 2015-06-15 § 12."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("value_date", timezone.localdate())


class LedgerReverseForm(CrispyMixin, IdempotentMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reversal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the reversal.")},
    )
    value_date = date_field(
        _("Value date of the reversal"),
        help_text=_("From this day on the entry no longer counts. Usually today."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("value_date", timezone.localdate())


class LedgerFilterForm(FilterFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EntryKind.choices]
    )
    date_from = date_field(_("Value date from"), required=False)
    date_to = date_field(_("Value date until"), required=False)
    at = date_field(
        _("Position as of"),
        required=False,
        help_text=_("Shows the fund's position at the end of that day."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data


class RegisterFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Number, subject or counterpart."),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    fund = IdModelChoiceField(
        label=_("Fund"), required=False, queryset=Fund.objects.all(), empty_label=_("All funds")
    )

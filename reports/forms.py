"""Asking for a report: which fund, and as of which day."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyMixin, IdempotentMixin, IdModelChoiceField, date_field
from core.models import Fund


class PortfolioForm(CrispyMixin, IdempotentMixin, forms.Form):
    fund = IdModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    value_date = date_field(
        _("Figures as of"),
        help_text=_("The ledger's figures up to and including this day (today or earlier)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        funds = Fund.objects.order_by("name")
        self.fields["fund"].queryset = funds
        if not self.is_bound:
            self.initial.setdefault("value_date", timezone.localdate())
            only = list(funds[:2])
            if len(only) == 1:
                self.initial.setdefault("fund", only[0].pk)


class YearlyForm(CrispyMixin, IdempotentMixin, forms.Form):
    """The yearly report to the board: which fund, and which calendar year."""

    fund = IdModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    year = forms.IntegerField(
        label=_("Year"),
        help_text=_("A calendar year from the fund's start to this year."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    prefix_name = "yearly"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        funds = Fund.objects.order_by("name")
        self.fields["fund"].queryset = funds
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year - 1)
            only = list(funds[:2])
            if len(only) == 1:
                self.initial.setdefault("fund", only[0].pk)

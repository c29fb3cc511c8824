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

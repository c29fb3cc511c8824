"""Forms of the applications app: lay out and validate input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import DecisionRoute
from core.forms import CHOOSE, CrispyMixin, IdempotentMixin, IdModelChoiceField, date_field
from core.models import Fund
from core.money import MoneyFormField


class CallForm(CrispyMixin, IdempotentMixin, forms.Form):
    fund = IdModelChoiceField(
        label=_("Fund"), queryset=Fund.objects.order_by("name"), empty_label=CHOOSE
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the call is for, who may apply, and what the council looks for."),
    )
    idea_sketch_deadline = date_field(
        _("Last day for idea sketches"), help_text=_("Inclusive: sketches are accepted all day.")
    )
    application_deadline = date_field(
        _("Last day for applications"), help_text=_("Inclusive, and after the sketch deadline.")
    )
    indicative_budget = MoneyFormField(
        label=_("Indicative budget (kr)"),
        min_value=0,
        help_text=_("A plan, not a commitment: the ledger changes only with the board's grants."),
    )
    decision_route = forms.ChoiceField(
        label=_("How the board decides"),
        choices=DecisionRoute.choices,
        widget=forms.RadioSelect,
        initial=DecisionRoute.OWN_PROPOSAL,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        funds = list(self.fields["fund"].queryset[:2])
        if len(funds) == 1 and not self.is_bound:
            self.initial.setdefault("fund", funds[0].pk)

    def clean(self):
        data = super().clean()
        sketch, application = data.get("idea_sketch_deadline"), data.get("application_deadline")
        if sketch and application and sketch >= application:
            self.add_error(
                "application_deadline",
                _("The last day for applications must come after the last day for idea sketches."),
            )
        return data

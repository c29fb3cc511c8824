"""Forms of the reclaim app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CHOOSE, CrispyMixin, IdempotentMixin, date_field
from core.money import MoneyFormField
from reclaim import plans
from reclaim.models import MAX_START_OFFSET, start_text


class PolicyForm(CrispyMixin, IdempotentMixin, forms.Form):
    window_years = forms.TypedChoiceField(
        label=_("Reclaim period"),
        coerce=int,
        choices=[(n, n) for n in range(1, plans.MAX_WINDOW_YEARS + 1)],
        help_text=_("Calendar years; the guidelines allow at most six."),
    )
    start_offset = forms.TypedChoiceField(
        label=_("The first reclaim year"),
        coerce=int,
        choices=[],
    )
    cap_at_net_paid = forms.BooleanField(
        label=_("A plan's total is capped at what the project was paid net of refunds"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The city's decision: who decided, when, and its reference."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_offset"].choices = [
            (n, start_text(n)) for n in range(MAX_START_OFFSET + 1)
        ]


class ConfirmForm(CrispyMixin, IdempotentMixin, forms.Form):
    """Only the one-time key: a confirmation button, sent once however often it is clicked."""


class LinesForm(CrispyMixin, forms.Form):
    """A version's lines as a grid: one amount per organisation and reclaim year (whole
    kronor, Swedish grouping accepted; empty is 0), and why this version."""

    reason = forms.CharField(
        label=_("Why this version"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed from the second version on: what the follow-up found."),
    )

    def __init__(self, *args, organisations, years, initial_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        self.years = list(years)
        for organisation in self.organisations:
            for year in self.years:
                name = self.field_name(organisation.pk, year)
                field = MoneyFormField(
                    label=f"{organisation.name} {year}",
                    required=False,
                    initial=initial_lines.get((organisation.pk, year)) or None,
                )
                field.widget.attrs["class"] = "form-control form-control-sm"
                self.fields[name] = field

    @staticmethod
    def field_name(organisation_pk: int, year: int) -> str:
        return f"line_{organisation_pk}_{year}"

    def rows(self):
        """(organisation, [bound field per year]) for the grid."""
        return [
            (org, [self[self.field_name(org.pk, year)] for year in self.years])
            for org in self.organisations
        ]

    def lines(self) -> dict[tuple[int, int], int]:
        return {
            (org.pk, year): self.cleaned_data.get(self.field_name(org.pk, year)) or 0
            for org in self.organisations
            for year in self.years
        }


class DecideForm(CrispyMixin, IdempotentMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    above_cap = forms.BooleanField(
        label=_("Decide the plan above the cap"),
        required=False,
        help_text=_("Only when the plan returns more than the project was paid."),
    )
    above_cap_reason = forms.CharField(
        label=_("Reason for deciding above the cap"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("above_cap") and not (data.get("above_cap_reason") or "").strip():
            self.add_error("above_cap_reason", _("Give the reason for deciding above the cap."))
        if not data.get("above_cap"):
            data["above_cap_reason"] = ""
        return data


class BookForm(CrispyMixin, IdempotentMixin, forms.Form):
    value_date = date_field(_("Value date"), help_text=_("When the budget was reduced."))


class AdjustmentForm(CrispyMixin, IdempotentMixin, forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, choices=[])
    amount = forms.IntegerField(
        label=_("Change of the budget frame (kr)"),
        help_text=_("Whole kronor; a reduction is negative, e.g. -1500000."),
    )
    reference = forms.CharField(label=_("Decision"), max_length=200)
    decided_on = date_field(_("Decided"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", CHOOSE)] + [
            (organisation.pk, organisation.name) for organisation in organisations
        ]


class HandOverForm(CrispyMixin, IdempotentMixin, forms.Form):
    """What becomes of a replaced organisation's open lines, cases and projects."""

    lines = forms.ChoiceField(
        label=_("The reclaim lines not yet booked or waived"),
        widget=forms.RadioSelect,
        choices=[
            ("move", _("Move them to the successors by their shares")),
            ("waive", _("Waive them: nothing is owed for them")),
        ],
        initial="move",
    )
    successor = forms.TypedChoiceField(
        label=_("The successor that takes over the open cases and projects"),
        coerce=int,
        required=False,
        choices=[],
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with each moved or waived line and in the cases' activity logs."),
    )

    def __init__(self, *args, successors, needs_successor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        field.choices = [(o.pk, o.name) for o in successors]
        if needs_successor:
            field.required = True
        else:
            del self.fields["successor"]
            self.relayout()


class FollowUpForm(CrispyMixin, IdempotentMixin, forms.Form):
    """The verified actual reduction per organisation in one reclaim year (empty: not yet
    known), and its basis."""

    note = forms.CharField(
        label=_("Basis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the figures come from, e.g. the accounts or the register data."),
    )

    def __init__(self, *args, organisations, year, initial_amounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        for organisation in self.organisations:
            self.fields[f"org_{organisation.pk}"] = MoneyFormField(
                label=_("%(who)s %(year)s") % {"who": organisation.name, "year": year},
                required=False,
                initial=initial_amounts.get(organisation.pk),
            )
        self.order_fields([f"org_{o.pk}" for o in self.organisations] + ["note"])
        self.relayout()

    def amounts(self) -> dict[int, int | None]:
        return {o.pk: self.cleaned_data.get(f"org_{o.pk}") for o in self.organisations}

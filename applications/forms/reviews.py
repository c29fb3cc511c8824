"""Forms for review, the council's recommendation, the proposal and the board's decision.

Amounts per year are one money field per calendar year (``amount_<year>``); the services check
that they add up.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import BoardOutcome, Criterion, Outcome, ReviewKind
from core.forms import CrispyMixin, IdempotentMixin, IdField, IdModelChoiceField, date_field
from core.money import MoneyFormField

MET_CHOICES = [("yes", _("Met")), ("no", _("Not met"))]
POINTS_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class PersonChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class AssignForm(CrispyMixin, IdempotentMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Assign as"),
        choices=ReviewKind.choices,
        widget=forms.RadioSelect,
        initial=ReviewKind.COUNCIL,
        error_messages={"required": _("Choose how the person reviews.")},
    )
    reviewer = PersonChoiceField(
        label=_("Person"),
        queryset=None,
        help_text=_(
            "Council members and scientific reviewers. Someone who belongs to the owner, a "
            "co-owner, a partner or a benefiting organisation cannot be assigned."
        ),
        error_messages={
            "required": _("Choose the person to assign."),
            "invalid_choice": _("Choose one of the people in the list."),
        },
    )
    due_on = date_field(_("Review due"), required=False)

    def __init__(self, *args, people, excluded=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = people
        if excluded:
            self.fields["reviewer"].help_text = _(
                "%(rule)s Not offered because of a conflict of interest: %(people)s."
            ) % {"rule": self.fields["reviewer"].help_text, "people": ". ".join(excluded)}
            self.relayout()


class DeclarationForm(CrispyMixin, IdempotentMixin, forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no", _("I have no conflict of interest in this application")),
            ("yes", _("I have a conflict of interest and cannot review it")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you have a conflict of interest.")},
    )
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you have a conflict: say briefly what it is."),
    )


class StatementForm(CrispyMixin, IdempotentMixin, forms.Form):
    version = IdField(widget=forms.HiddenInput)
    evidence = forms.CharField(
        label=_("The evidence base"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Is the method supported by research or proven experience?"),
        error_messages={"required": _("Write your statement on the evidence base.")},
    )
    evaluation = forms.CharField(
        label=_("The evaluation design"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Can the effects and savings be measured as planned?"),
        error_messages={"required": _("Write your statement on the evaluation design.")},
    )


class ScoreForm(IdempotentMixin, forms.Form):
    """Five criteria, each met or not, 1-5 and a comment; the suggested outcome and amount.
    Laid out by its template (a fieldset per criterion)."""

    version = IdField(widget=forms.HiddenInput)
    suggested_outcome = forms.ChoiceField(
        label=_("Suggested outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome you suggest.")},
    )
    suggested_amount = MoneyFormField(
        label=_("Suggested amount (kr)"),
        required=False,
        help_text=_("When you suggest a grant: the whole amount for all years."),
    )
    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            n = criterion.value
            self.fields[f"met_{n}"] = forms.ChoiceField(
                label=_("Criterion %(number)s met?") % {"number": n},
                choices=MET_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Say whether criterion %(number)s is met.") % {"number": n}
                },
            )
            self.fields[f"points_{n}"] = forms.TypedChoiceField(
                label=_("Score for criterion %(number)s (1-5)") % {"number": n},
                choices=POINTS_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Score criterion %(number)s from 1 to 5.") % {"number": n},
                    "invalid_choice": _("Score criterion %(number)s from 1 to 5.") % {"number": n},
                },
            )
            self.fields[f"comment_{n}"] = forms.CharField(
                label=_("Comment on criterion %(number)s") % {"number": n},
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": _("Comment on criterion %(number)s.") % {"number": n}},
            )

    def criteria(self) -> dict[int, tuple[bool, int, str]]:
        data = self.cleaned_data
        return {
            c.value: (
                data[f"met_{c.value}"] == "yes",
                data[f"points_{c.value}"],
                data[f"comment_{c.value}"],
            )
            for c in Criterion
        }

    def rows(self):
        """(criterion, met field, points field, comment field) for the template."""
        return [
            (c, self[f"met_{c.value}"], self[f"points_{c.value}"], self[f"comment_{c.value}"])
            for c in Criterion
        ]


def _year_fields(form, years, *, prefix: str = "amount", label_format=None) -> None:
    for year in years:
        form.fields[f"{prefix}_{year}"] = MoneyFormField(
            label=(label_format or _("%(year)s (kr)")) % {"year": year}, required=False
        )


def _years_from(form, years, prefix: str = "amount") -> dict[int, int]:
    return {year: form.cleaned_data.get(f"{prefix}_{year}") or 0 for year in years}


class RecommendationForm(IdempotentMixin, forms.Form):
    meeting = IdModelChoiceField(
        label=_("Council meeting"),
        queryset=None,
        error_messages={
            "required": _("Choose the meeting at which the council agreed."),
            "invalid_choice": _("Choose one of the meetings in the list."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("The council's recommendation"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the council's recommendation.")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Goes into the city director's proposal to the board."),
        error_messages={"required": _("Write the council's summary.")},
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant sees the recommendation and its reasons (never the scores)."),
        error_messages={
            "required": _("Give the reasons: the applicant sees them with the recommendation.")
        },
    )

    def __init__(self, *args, meetings, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        self.fields["meeting"].queryset = meetings
        for criterion in Criterion:
            self.fields[f"met_{criterion.value}"] = forms.ChoiceField(
                label=_("Criterion %(number)s: %(text)s")
                % {"number": criterion.value, "text": criterion.label},
                choices=MET_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Say whether the council judged criterion %(number)s met.")
                    % {"number": criterion.value}
                },
            )
        _year_fields(self, self.years)

    def criteria_met(self) -> dict[int, bool]:
        return {c.value: self.cleaned_data[f"met_{c.value}"] == "yes" for c in Criterion}

    def amounts(self) -> dict[int, int]:
        return _years_from(self, self.years)

    def criterion_fields(self):
        return [self[f"met_{c.value}"] for c in Criterion]

    def year_fields(self):
        return [self[f"amount_{year}"] for year in self.years]


class SummaryForm(CrispyMixin, forms.Form):
    summary = forms.CharField(
        label=_("The council's summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The introduction of the proposal to the board: the call and the council's view."
        ),
        error_messages={"required": _("Write the council's summary.")},
    )


class AmountsForm(forms.Form):
    """The city director's amounts: one field per application in the proposal and year."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            for year in item.year_list:
                self.fields[f"item_{item.pk}_{year}"] = MoneyFormField(
                    label=_("%(number)s, %(year)s (kr)")
                    % {"number": item.application.registration, "year": year},
                    required=False,
                )

    def amounts(self) -> dict[int, dict[int, int]]:
        return {
            item.pk: {
                year: self.cleaned_data.get(f"item_{item.pk}_{year}") or 0
                for year in item.year_list
            }
            for item in self.items
        }

    def rows(self):
        return [
            (item, [self[f"item_{item.pk}_{year}"] for year in item.year_list])
            for item in self.items
        ]


class MessageForm(CrispyMixin, forms.Form):
    message = forms.CharField(
        label=_("Why the proposal is sent back"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why the proposal is sent back.")},
    )


class ConfirmForm(IdempotentMixin, forms.Form):
    """Only the one-time key: a double-click acts once."""


class BoardDecisionForm(IdempotentMixin, forms.Form):
    meeting_date = date_field(_("Date of the board's meeting"))
    paragraph = forms.CharField(
        label=_("Minute paragraph (§)"),
        max_length=20,
        error_messages={"required": _("Give the minute paragraph (§).")},
    )
    board_reference = forms.CharField(
        label=_("The board's registration number"),
        max_length=60,
        help_text=_("For example KS 2026/1234."),
        error_messages={"required": _("Give the board's registration number.")},
    )
    outcome = forms.ChoiceField(
        label=_("The board's decision"),
        choices=BoardOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the board's decision.")},
    )
    amount = MoneyFormField(
        label=_("Reduced amount granted (kr)"),
        required=False,
        help_text=_("Only for a reduced grant: the total, and the amount of each year below."),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: revise the budget and benefits plan before the first payment."),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        _year_fields(self, self.years, label_format=_("Reduced amount %(year)s (kr)"))

    def amounts(self) -> dict[int, int]:
        return _years_from(self, self.years)

    def year_fields(self):
        return [self[f"amount_{year}"] for year in self.years]

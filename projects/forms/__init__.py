"""Forms of the projects app. They check the shape of what was typed; the services decide the
rules (what is left of a budget, which states allow what) and the views show their refusals on
the form."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms.cases import RowForm
from applications.models import CostType, EvaluationDesign
from core.forms import (
    CHOOSE,
    CrispyMixin,
    FilterFormMixin,
    IdempotentMixin,
    IdModelChoiceField,
    date_field,
)
from core.models import Organisation, OrganisationKind, User
from core.money import MoneyFormField
from projects.models import AssignmentRole, ChangeKind, ProjectState

TEXT = {"rows": 4}


def _today():
    return timezone.localdate()


class ProjectFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput,
        help_text=_("Title or registration number."),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *ProjectState.choices]
    )
    organisation = IdModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("All organisations"),
    )


class NoteForm(CrispyMixin, IdempotentMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(CrispyMixin, IdempotentMixin, forms.Form):
    """Only the one-time key: a confirmation button, sent once however often it is clicked."""


class AssignForm(CrispyMixin, IdempotentMixin, forms.Form):
    role = forms.ChoiceField(label=_("Part"), choices=[("", CHOOSE)])
    person = IdModelChoiceField(
        label=_("Person"),
        required=False,
        queryset=User.objects.none(),
        empty_label=CHOOSE,
        help_text=_("The project manager, deputy and evaluator need an account."),
    )
    name = forms.CharField(
        label=_("Name, if the person has no account"),
        required=False,
        max_length=200,
        help_text=_("Only for steering-group members without an account."),
    )
    organisation = IdModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=CHOOSE,
        help_text=_("Needed for everyone but an external evaluator."),
    )
    valid_from = date_field(_("From"), help_text=_("Today or later."))
    valid_until = date_field(_("Until (optional)"), required=False)

    def __init__(self, *args, roles, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", CHOOSE), *[(r, AssignmentRole(r).label) for r in roles]]
        self.fields["person"].queryset = people
        self.fields["organisation"].queryset = Organisation.objects.active_on(_today()).order_by(
            "name"
        )
        self.initial.setdefault("valid_from", _today())


class AssignmentEndForm(CrispyMixin, IdempotentMixin, forms.Form):
    valid_until = date_field(_("Last day"), help_text=_("Today or later."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("valid_until", _today())


class PaymentForm(CrispyMixin, IdempotentMixin, forms.Form):
    """A disbursement to, or a refund from, one recipient for one budget year."""

    year = forms.TypedChoiceField(label=_("Budget year"), coerce=int, choices=[("", CHOOSE)])
    recipient = forms.TypedChoiceField(
        label=_("Recipient organisation"), coerce=int, choices=[("", CHOOSE)]
    )
    amount = MoneyFormField(
        label=_("Amount (kr)"), min_value=1, help_text=_("Whole kronor, for example 1 234 567.")
    )
    value_date = date_field(_("Value date"), help_text=_("The day the money moved."))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args, years, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", CHOOSE), *[(y, y) for y in years]]
        self.fields["recipient"].choices = [("", CHOOSE), *recipients.items()]
        self.initial.setdefault("value_date", _today())


class ReleaseForm(CrispyMixin, IdempotentMixin, forms.Form):
    amount = MoneyFormField(
        label=_("Amount (kr)"),
        min_value=1,
        help_text=_("Prefilled with what is left of the grant: granted less released and paid."),
    )
    value_date = date_field(_("Value date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("value_date", _today())


class ReportForm(CrispyMixin, forms.Form):
    """The progress report: its texts, the spend so far this year per recipient, and the
    indicators' values (fields made per recipient and indicator)."""

    narrative = forms.CharField(
        label=_("What has been done in the period"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    deviations = forms.CharField(
        label=_("Deviations from the plan"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, recipients, indicators, year, **kwargs):
        super().__init__(*args, **kwargs)
        for organisation in recipients:
            self.fields[f"spend_{organisation.pk}"] = MoneyFormField(
                label=_("Spent so far in %(year)s by %(org)s (kr)")
                % {"year": year, "org": organisation.name},
                required=False,
            )
        for indicator in indicators:
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.unit})",
                required=False,
                max_digits=14,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        self.relayout()

    def spend(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("spend_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("spend_")
        }

    def values(self) -> dict:
        return {
            int(name.removeprefix("value_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("value_")
        }


class ChangeForm(CrispyMixin, forms.Form):
    reason = forms.CharField(
        label=_("What changes and why"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    ends_on = date_field(
        _("New end of the investment phase"),
        required=False,
        help_text=_("Leave empty to keep the end date."),
    )
    scope = forms.CharField(
        label=_("Changed scope"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("Leave empty if the scope stays the same."),
    )

    def __init__(self, *args, revision: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if revision:
            # The revision after a reduced grant keeps the period and scope.
            del self.fields["ends_on"]
            del self.fields["scope"]
            self.fields["reason"].label = _("What was revised, and how it fits the amount granted")
            self.relayout()


def _year_field():
    return forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


def _organisation_field(label):
    return forms.TypedChoiceField(label=label, coerce=int, choices=[("", CHOOSE)])


class BudgetLineForm(RowForm):
    year = _year_field()
    recipient = _organisation_field(_("Recipient organisation"))
    cost_type = forms.ChoiceField(label=_("Use"), choices=[("", CHOOSE), *CostType.choices])
    amount = MoneyFormField(label=_("Amount (kr)"))
    organisation_fields = ("recipient",)


class ExpectedSavingForm(RowForm):
    organisation = _organisation_field(_("Benefiting organisation"))
    year = _year_field()
    amount = MoneyFormField(label=_("Expected reduction (kr)"))
    assumptions = forms.CharField(
        label=_("Assumptions and unit costs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    organisation_fields = ("organisation",)


class MeasuredSavingForm(RowForm):
    organisation = _organisation_field(_("Benefiting organisation"))
    year = _year_field()
    amount = MoneyFormField(label=_("Measured reduction (kr)"))
    evidence = forms.CharField(
        label=_("Evidence and assumptions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    organisation_fields = ("organisation",)


def city_organisations(keep=()) -> dict[int, Organisation]:
    """Today's city organisations (and any already named), for the tables' choices."""
    from django.db.models import Q

    organisations = (
        Organisation.objects.exclude(kind=OrganisationKind.NONPROFIT)
        .filter(Q(pk__in=list(keep)) | Q(pk__in=Organisation.objects.active_on(_today())))
        .order_by("name")
    )
    return {org.pk: org for org in organisations}


def row_formset(form_class, data, *, prefix, initial, organisations, extra=2):
    factory = forms.formset_factory(form_class, extra=extra, can_delete=True)
    return factory(
        data, initial=initial, prefix=prefix, form_kwargs={"organisations": organisations}
    )


def formset_rows(formset) -> list[dict]:
    """The rows of a valid formset that were filled in and not removed, as plain values (the
    prefilled rows count as they stand; an untouched empty row is left out)."""
    return [
        form.values()
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class EvaluationForm(CrispyMixin, forms.Form):
    design = forms.ChoiceField(
        label=_("Evaluation design"),
        required=False,
        choices=[("", CHOOSE), *EvaluationDesign.choices],
    )
    design_text = forms.CharField(
        label=_("Evaluation design, described"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    results = forms.CharField(label=_("Results"), required=False, widget=forms.Textarea(attrs=TEXT))
    observed_effects = forms.CharField(
        label=_("Effects observed, and in which organisations"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    counterfactual = forms.CharField(
        label=_("Assumptions about what would have happened without the project"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    economic_effects = forms.TypedChoiceField(
        label=_("Did the project give economic effects?"),
        required=False,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        choices=[("", _("Not yet known")), ("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )


def change_tables(change, data, *, recipients: dict[int, str]) -> list[tuple]:
    """The tables of a change request's form, as (name, title, formset): the whole proposed
    budget (its recipients: the organisations the fund may pay) and, in the revision after a
    reduced grant, the benefits plan."""
    organisations = {
        pk: org
        for pk, org in Organisation.objects.in_bulk(list(recipients)).items()
        if pk in recipients
    }
    organisations = dict(sorted(organisations.items(), key=lambda item: item[1].name))
    budget = row_formset(
        BudgetLineForm,
        data,
        prefix="budget",
        initial=[
            {
                "year": row.year,
                "recipient": row.recipient_id,
                "cost_type": row.cost_type,
                "amount": row.amount,
            }
            for row in change.budget.all()
        ],
        organisations=organisations,
    )
    tables = [("budget", _("Budget (plan)"), budget)]
    if change.kind == ChangeKind.REVISION:
        rows = list(change.savings.all())
        savings = row_formset(
            ExpectedSavingForm,
            data,
            prefix="savings",
            initial=[
                {
                    "organisation": row.organisation_id,
                    "year": row.year,
                    "amount": row.amount,
                    "assumptions": row.assumptions,
                }
                for row in rows
            ],
            organisations=city_organisations(row.organisation_id for row in rows),
        )
        tables.append(("savings", _("Expected cost reductions (plan)"), savings))
    return tables

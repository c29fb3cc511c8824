"""Forms for idea sketches, council meetings and decisions, and applications with their tables.

Drafts may be saved half-finished: only the title is required here. What a submission needs is
checked by the submit services, which list everything missing at once.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications import versions
from applications.models import (
    ApplicabilityOutcome,
    CostType,
    EvaluationDesign,
    FundingSource,
)
from core.forms import (
    CHOOSE,
    CrispyMixin,
    DateInput,
    FilterFormMixin,
    IdempotentMixin,
    IdField,
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    date_field,
)
from core.models import Organisation, OrganisationKind
from core.money import MoneyFormField

TEXTAREA = {"rows": 4}


def _active_organisations():
    return Organisation.objects.active_on(timezone.localdate()).order_by("name")


def _city_organisations():
    return _active_organisations().exclude(kind=OrganisationKind.NONPROFIT)


class OrganisationsField(IdModelMultipleChoiceField):
    """Organisations active today (the day is taken when the form is made, not at import)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, label, help_text="", city_only=False):
        self.city_only = city_only
        super().__init__(
            queryset=Organisation.objects.none(), label=label, required=False, help_text=help_text
        )

    def refresh(self):
        self.queryset = _city_organisations() if self.city_only else _active_organisations()


def _refresh_organisations(form, exclude=None):
    """Today's organisations in the co-owner and partner lists, without the lead owner."""
    for field in form.fields.values():
        if isinstance(field, OrganisationsField):
            field.refresh()
            if exclude is not None:
                field.queryset = field.queryset.exclude(pk=exclude)


class SketchForm(CrispyMixin, IdempotentMixin, forms.Form):
    owner = IdModelChoiceField(
        label=_("Lead owner"),
        queryset=Organisation.objects.none(),
        empty_label=CHOOSE,
        help_text=_("The organisation that owns the case and writes the application."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    problem_and_target_group = forms.CharField(
        label=_("Problem and target group"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    complements_ordinary_work = forms.CharField(
        label=_("How it complements and supports the city's ordinary work"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    co_owners = OrganisationsField(
        label=_("Co-owners"),
        city_only=True,
        help_text=_("City organisations that own the case jointly with the lead owner."),
    )
    partners = OrganisationsField(
        label=_("Partner organisations"),
        help_text=_("Other city organisations and non-profit partners (IOP) taking part."),
    )
    estimated_amount = MoneyFormField(
        label=_("Rough size (kr)"),
        required=False,
        help_text=_("A first estimate of what the fund would finance, in whole kronor."),
    )
    estimated_years = forms.IntegerField(
        label=_("Rough length (years)"), required=False, min_value=1, max_value=10
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact person's e-mail"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact person's telephone"), max_length=40, required=False
    )

    def __init__(self, *args, owners=None, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        _refresh_organisations(self, exclude)
        if owners is None:
            del self.fields["owner"]
            self.helper = FormHelper(self)  # laid out again without the owner
            self.helper.form_tag = False
            self.helper.disable_csrf = True
        else:
            self.fields["owner"].queryset = Organisation.objects.filter(
                pk__in=[o.pk for o in owners]
            ).order_by("name")
            if len(owners) == 1 and not self.is_bound:
                self.initial.setdefault("owner", owners[0].pk)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("idempotency_key", None)
        data.pop("owner", None)
        return data


class SketchFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput,
        help_text=_("Title or registration number."),
    )
    call = IdModelChoiceField(
        label=_("Call"), required=False, queryset=None, empty_label=_("All calls")
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    organisation = IdModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("All organisations"),
    )

    def __init__(self, *args, calls, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls
        self.fields["state"].choices = [("", _("All states")), *states]


class CouncilMeetingForm(CrispyMixin, IdempotentMixin, forms.Form):
    held_on = date_field(_("Meeting date"))
    members = IdModelMultipleChoiceField(
        label=_("Members present"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the members who were present.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members


class ApplicabilityForm(CrispyMixin, IdempotentMixin, forms.Form):
    """The council's decision, with a conflict declaration per member present who is not
    already in conflict through an organisation."""

    outcome = forms.ChoiceField(
        label=_("The council's decision"),
        choices=ApplicabilityOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the council's decision.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Always required. The applicant sees it; when returning the sketch, say what to "
            "complete."
        ),
        error_messages={"required": _("Give the reason: the applicant sees it with the decision.")},
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"conflict_{member.pk}"] = forms.BooleanField(
                label=_("%(name)s declared a conflict of interest") % {"name": member.full_name},
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"conflict_text_{member.pk}"] = forms.CharField(
                label=_("%(name)s: the conflict, briefly") % {"name": member.full_name},
                required=False,
                max_length=300,
            )

    def declared_conflicts(self) -> dict:
        return {
            member: self.cleaned_data.get(f"conflict_text_{member.pk}", "")
            for member in self.members
            if self.cleaned_data.get(f"conflict_{member.pk}")
        }


# --- Applications ----------------------------------------------------------------------------


class ApplicationForm(CrispyMixin, forms.Form):
    """The application's own fields; its tables are formsets beside it (ROW_FORMS)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(TEXTAREA))
    problem_and_target_group = forms.CharField(
        label=_("Problem and target groups"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    complements_ordinary_work = forms.CharField(
        label=_("How it complements and supports the city's ordinary work"),
        required=False,
        widget=forms.Textarea(TEXTAREA),
    )
    planned_start = date_field(_("Planned start"), required=False)
    planned_end = date_field(_("Planned end"), required=False)
    amount_requested = MoneyFormField(
        label=_("Amount requested from the fund (kr)"),
        required=False,
        help_text=_("Must equal the budget rows financed by the fund."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact person's e-mail"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact person's telephone"), max_length=40, required=False
    )
    co_owners = OrganisationsField(label=_("Co-owners"), city_only=True)
    partners = OrganisationsField(
        label=_("Partner organisations"),
        help_text=_("Partner departments and non-profit partners (IOP)."),
    )
    project_organisation = forms.CharField(
        label=_("Project organisation"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    steering_group = forms.CharField(
        label=_("Proposed steering group"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    risks = forms.CharField(
        label=_("Risks and how they are handled"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    evaluation_design = forms.ChoiceField(
        label=_("Evaluation design"),
        required=False,
        choices=[("", CHOOSE), *EvaluationDesign.choices],
    )
    evaluation_design_text = forms.CharField(
        label=_("Evaluation design, described"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    evaluator = forms.CharField(label=_("Who evaluates"), max_length=300, required=False)
    benefits_assumptions = forms.CharField(
        label=_("Assumptions behind the expected cost reductions"),
        required=False,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("Which costs fall, why, and the unit costs used."),
    )

    def __init__(self, *args, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        _refresh_organisations(self, exclude)

    # The page's sections as the versions group the fields; co-owners and partners belong to
    # "The case".
    SECTIONS = {
        key: (*names, "co_owners", "partners") if key == "case" else names
        for key, _title, names in versions.FIELD_GROUPS
    }

    @property
    def sections(self) -> dict:
        """Bound fields per section of the page: the template lays out the plans in order."""
        return {name: [self[field] for field in names] for name, names in self.SECTIONS.items()}


class RowForm(forms.Form):
    """One row of a table: a hidden id for rows already saved, and small widgets.
    ``organisations`` (id -> Organisation) are the choices of its organisation columns."""

    pk = IdField(widget=forms.HiddenInput, required=False)
    organisation_fields: tuple[str, ...] = ()

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations or {}
        choices = [("", CHOOSE), *((pk, org.name) for pk, org in self.organisations.items())]
        for name in self.organisation_fields:
            self.fields[name].choices = choices
        for name, field in self.fields.items():
            if name == "pk":
                continue
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def values(self) -> dict:
        values = {name: value for name, value in self.cleaned_data.items() if name != "DELETE"}
        for name in self.organisation_fields:
            values[name] = self.organisations[values[name]]
        return values


def _year_field():
    return forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


def _organisation_field(label):
    """Choices are given by the formset (one query for all rows, see ``row_formsets``)."""
    return forms.TypedChoiceField(label=label, coerce=int, choices=[("", CHOOSE)])


def _decimal_field(label):
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ActivityForm(RowForm):
    title = forms.CharField(label=pgettext_lazy("plan", "Activity"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())


class MilestoneForm(RowForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Date"), widget=DateInput())


class IndicatorForm(RowForm):
    name = forms.CharField(label=_("Indicator"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=60)
    baseline = _decimal_field(_("Baseline"))
    target = _decimal_field(_("Target"))
    data_source = forms.CharField(label=_("Data source"), max_length=200)


class SavingsForm(RowForm):
    organisation = _organisation_field(_("Benefiting organisation"))
    year = _year_field()
    amount = MoneyFormField(label=_("Expected reduction (kr)"))
    assumptions = forms.CharField(
        label=_("Assumptions and unit costs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    organisation_fields = ("organisation",)


class BudgetForm(RowForm):
    year = _year_field()
    recipient = _organisation_field(_("Recipient organisation"))
    cost_type = forms.ChoiceField(label=_("Use"), choices=[("", CHOOSE), *CostType.choices])
    funding_source = forms.ChoiceField(
        label=_("Funding source"), choices=[("", CHOOSE), *FundingSource.choices]
    )
    amount = MoneyFormField(label=_("Amount (kr)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    organisation_fields = ("recipient",)


ROW_FORMS = {
    "activities": (ActivityForm, _("Activities")),
    "milestones": (MilestoneForm, _("Milestones")),
    "indicators": (IndicatorForm, _("Indicators")),
    "savings": (SavingsForm, _("Expected cost reductions per organisation and year (plan)")),
    "budget": (BudgetForm, _("Budget per year, recipient and funding source (plan)")),
}


def row_organisations(keep_ids=()) -> dict[int, Organisation]:
    """City organisations active today, and any already named in the rows (one query)."""
    today = timezone.localdate()
    organisations = (
        Organisation.objects.exclude(kind=OrganisationKind.NONPROFIT)
        .filter(Q(pk__in=list(keep_ids)) | Q(pk__in=Organisation.objects.active_on(today)))
        .order_by("name")
    )
    return {org.pk: org for org in organisations}


def row_formsets(data=None, *, initial: dict[str, list[dict]] | None = None, extra: int = 2):
    """One formset per table, prefixed with the table's name. The organisation choices are
    read once for all rows."""
    initial = initial or {}
    keep = {
        row.get(name)
        for rows in initial.values()
        for row in rows
        for name in ("organisation", "recipient")
        if row.get(name)
    }
    organisations = row_organisations(keep)
    formsets = {}
    for name, (form_class, _title) in ROW_FORMS.items():
        factory = forms.formset_factory(form_class, extra=extra, can_delete=True)
        formsets[name] = factory(
            data,
            initial=initial.get(name),
            prefix=name,
            form_kwargs={"organisations": organisations},
        )
    return formsets


class RevisionForm(CrispyMixin, IdempotentMixin, forms.Form):
    message = forms.CharField(
        label=_("What the applicant should revise"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what the applicant should revise.")},
    )

    def __init__(self, *args, statements=(), **kwargs):
        """``statements``: (pk, label) of the scientific statements that may be attached."""
        super().__init__(*args, **kwargs)
        if statements:
            self.fields["statements"] = forms.TypedMultipleChoiceField(
                label=_("Attach scientific statements"),
                choices=list(statements),
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("The applicant sees them without the reviewers' names."),
            )
            self.relayout()


class SubmitForm(IdempotentMixin, forms.Form):
    """Only the one-time key: a double-click submits once."""

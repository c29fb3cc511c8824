"""Forms for organisations and reorganisations."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import (
    CHOOSE,
    CrispyMixin,
    FilterFormMixin,
    IdempotentMixin,
    IdModelChoiceField,
    date_field,
)
from core.models import Organisation, OrganisationKind


class OrganisationForm(CrispyMixin, IdempotentMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(
        label=_("Short name"), max_length=60, help_text=_("Shown in tables, e.g. Farsta.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", CHOOSE), *OrganisationKind.choices])
    active_from = date_field(_("Active from"))
    active_until = date_field(
        _("Active until"),
        required=False,
        help_text=_(
            "Leave empty while it exists. A merger or split is recorded as a reorganisation."
        ),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The period changes only through a reorganisation.
            del self.fields["active_from"], self.fields["active_until"]


class PercentField(forms.DecimalField):
    """A share in per cent with up to two decimals; a comma or a point, and a % sign, are fine."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=5, decimal_places=2, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().rstrip("%").strip().replace(",", ".").replace(" ", "")
        if value in self.empty_values:
            return None
        try:
            return Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            raise forms.ValidationError(
                _("Enter the share in per cent, for example 60 or 33,33."), code="invalid"
            ) from None


SUCCESSOR_ROWS = 5


class ReorganisationForm(CrispyMixin, IdempotentMixin, forms.Form):
    effective_from = date_field(
        _("Successors take over from"),
        help_text=_("The organisation's last active day becomes the day before."),
    )
    decided_on = date_field(_("Decided on"))
    decision_reference = forms.CharField(
        label=_("Decision"), max_length=200, help_text=_("For example KF 2024-06-10 § 5.")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = (
            Organisation.objects.exclude(pk=organisation.pk)
            .exclude(kind=OrganisationKind.NONPROFIT)
            .order_by("name")
        )
        for row in range(1, SUCCESSOR_ROWS + 1):
            self.fields[f"successor_{row}"] = IdModelChoiceField(
                label=_("Successor %(number)s") % {"number": row},
                queryset=candidates,
                required=row == 1,
                empty_label=CHOOSE,
            )
            self.fields[f"share_{row}"] = PercentField(
                label=_("Share of successor %(number)s (%%)") % {"number": row},
                required=row == 1,
            )

    def clean(self):
        data = super().clean()
        shares = []
        for row in range(1, SUCCESSOR_ROWS + 1):
            successor, share = data.get(f"successor_{row}"), data.get(f"share_{row}")
            if successor and share is None and f"share_{row}" not in self.errors:
                self.add_error(f"share_{row}", _("Give this successor's share."))
            elif share is not None and not successor and f"successor_{row}" not in self.errors:
                self.add_error(f"successor_{row}", _("Choose the successor for this share."))
            elif successor and share is not None:
                shares.append((successor, share))
        data["shares"] = shares
        return data

    def share_rows(self):
        return [
            (self[f"successor_{row}"], self[f"share_{row}"]) for row in range(1, SUCCESSOR_ROWS + 1)
        ]


class OrganisationFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(label=_("Search name"), required=False, widget=forms.SearchInput)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active today")), ("ended", _("Ended")), ("all", _("All"))],
    )

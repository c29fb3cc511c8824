"""Forms of the reclaim app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyMixin, IdempotentMixin
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

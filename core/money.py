"""Money: whole kronor as integers, one model field, one form field, one way to show, one split.

Never a float anywhere. Input accepts Swedish grouping (``1 234 567`` with a space, a no-break
space or a narrow no-break space, optionally followed by ``kr``) and refuses decimals, letters,
exponents and digits of other scripts with a Swedish message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from django import forms
from django.core import validators
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

NBSP = "\u00a0"
MINUS = "\u2212"
MAX_AMOUNT = 999_999_999_999  # a trillion kronor less one: far above any fund

# ASCII digits only (str.isdigit and int() accept other scripts' digits too). Either no grouping
# at all, or groups of exactly three after the first.
_SPACES = "[ \u00a0\u202f]"
_AMOUNT = re.compile(rf"^(-?)(\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)(?:{_SPACES}?kr)?$", re.ASCII)


def parse_amount(text: str) -> int:
    """Whole kronor from what a person typed; ValueError when it is not a whole-krona amount."""
    cleaned = (text or "").strip().replace(MINUS, "-")
    match = _AMOUNT.fullmatch(cleaned)
    if not match:
        raise ValueError(f"not a whole-krona amount: {text!r}")
    sign, digits = match.groups()
    value = int(re.sub(_SPACES, "", digits))
    return -value if sign else value


def _group(value: int) -> str:
    return f"{abs(value):,}".replace(",", NBSP)


def format_amount(value: int | None) -> str:
    """``1 234 567`` with no-break spaces (for form inputs and table cells without unit)."""
    if value is None:
        return ""
    return (MINUS if value < 0 else "") + _group(value)


def format_kr(value: int | None) -> str:
    """``1 234 567 kr`` with no-break spaces: amounts in tables and text."""
    if value is None:
        return ""
    return f"{format_amount(value)}{NBSP}kr"


def format_mnkr(value: int | None) -> str:
    """``229,2 mnkr``: headline figures only, rounded half away from zero to 0.1 million."""
    if value is None:
        return ""
    tenths = (abs(value) * 10 + 500_000) // 1_000_000  # integer arithmetic, no float
    whole, decimal = divmod(tenths, 10)
    sign = MINUS if value < 0 and tenths else ""
    return f"{sign}{_group(whole)},{decimal}{NBSP}mnkr"


# --- Split ------------------------------------------------------------------------------------


def split(total: int, shares: Sequence[int | Decimal | Fraction]) -> list[int]:
    """Spread ``total`` kronor over parts in proportion to ``shares`` (largest remainder).

    The parts always add up to ``total`` exactly and each differs from its exact share by less
    than one krona. Ties in the remainder go to the earlier part, so the result is stable.
    ``shares`` are non-negative and not all zero; use ``split_evenly`` for equal parts.
    """
    if not shares:
        raise ValueError("split needs at least one share")
    weights = [Fraction(share) for share in shares]
    if any(weight < 0 for weight in weights):
        raise ValueError("shares must not be negative")
    whole = sum(weights)
    if whole == 0:
        raise ValueError("shares must not all be zero")
    exact = [Fraction(total) * weight / whole for weight in weights]
    parts = [int(share // 1) for share in exact]  # floor, also for a negative total
    leftover = total - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in by_remainder[:leftover]:
        parts[index] += 1
    return parts


def split_evenly(total: int, count: int) -> list[int]:
    """``total`` over ``count`` equal parts; the first parts take the extra kronor."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return split(total, [1] * count)


# --- Fields -----------------------------------------------------------------------------------


class AmountInput(forms.TextInput):
    """A text input (not type=number: that refuses grouping and accepts 1e9) that shows the
    value grouped and asks for a numeric keyboard."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "amount",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, int):
            return format_amount(value)
        return super().format_value(value)


class MoneyFormField(forms.Field):
    widget = AmountInput
    default_error_messages = {
        "invalid": _(
            "Enter the amount in whole kronor with digits, for example 1 234 567 "
            "(no decimals, letters or other characters)."
        ),
        "min_value": _("The amount must be at least %(limit_value)s kr."),
        "max_value": _("The amount can be at most %(limit_value)s kr."),
    }

    def __init__(self, *, min_value: int | None = 0, max_value: int | None = MAX_AMOUNT, **kw):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kw)
        if min_value is not None:
            self.validators.append(
                validators.MinValueValidator(min_value, self.error_messages["min_value"])
            )
        if max_value is not None:
            self.validators.append(
                validators.MaxValueValidator(max_value, self.error_messages["max_value"])
            )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_amount(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def run_validators(self, value):
        if value is None:
            return
        errors = []
        for validator in self.validators:
            try:
                validator(value)
            except forms.ValidationError as error:
                # Show the limit grouped, as the person would type it.
                limit = getattr(validator, "limit_value", None)
                message = error.message
                if limit is not None:
                    message = message % {"limit_value": format_amount(limit)}
                errors.append(forms.ValidationError(message, code=error.code))
        if errors:
            raise forms.ValidationError(errors)


class MoneyField(models.BigIntegerField):
    """Whole kronor. The one field for money in every model."""

    description = _("Amount in whole kronor")

    def formfield(self, **kwargs):
        # models.Field, not BigIntegerField: its formfield would pass the 64-bit range as limits.
        return models.Field.formfield(self, **{"form_class": MoneyFormField, **kwargs})


def check_years(years: dict[int, int], *, field: str = "years") -> int:
    """Amounts per calendar year (a plan) are whole, non-negative kronor; returns their total,
    or refuses with a Swedish message on ``field``."""
    for year, amount in years.items():
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise DomainError(
                gettext("The amount for %(year)s must be whole kronor, 0 or more.")
                % {"year": year},
                field=field,
            )
    total = sum(years.values())
    if total > MAX_AMOUNT:
        raise DomainError(gettext("The amount is too large."), field=field)
    return total

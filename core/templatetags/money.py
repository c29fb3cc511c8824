"""``{{ amount|kr }}`` in tables and text, ``{{ amount|mnkr }}`` in headline figures."""

from django import template

from core import money

register = template.Library()


@register.filter
def kr(value):
    return money.format_kr(value)


@register.filter
def mnkr(value):
    return money.format_mnkr(value)


@register.filter
def amount(value):
    return money.format_amount(value)

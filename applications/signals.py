"""Signals through which higher apps follow this one without this app importing them
(STYLE.md: the higher app owns the seam)."""

from django.dispatch import Signal

# Sent inside the transaction that records a board decision granting money, with
# ``decision`` (a BoardDecision) and ``actor``. The projects app creates the project.
grant_recorded = Signal()

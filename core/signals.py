"""Signals through which higher apps follow core without core importing them (STYLE.md: the
higher app owns the seam)."""

from django.dispatch import Signal

# Sent inside the transaction that records a reorganisation, with ``reorganisation`` (its
# shares loaded as ``reorganisation.shares``) and ``actor``, after the organisation's last
# active day is set. Projects and reclaim move their open cases, projects and reclaim lines to
# the successors on it; an error in a receiver undoes the whole reorganisation.
reorganisation_recorded = Signal()

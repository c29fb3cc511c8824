"""Signals through which higher apps follow core without core importing them (STYLE.md: the
higher app owns the seam)."""

from django.dispatch import Signal

# Sent inside the transaction that records a reorganisation, with ``reorganisation`` (its
# shares in ``reorganisation.shares``) and ``actor``, after the organisation's last active day
# is set. The apps that hold open cases, projects and reclaim lines will move them to the
# successors on it (none listens yet: the projects and reclaim issues connect to it); an error
# in a receiver undoes the whole reorganisation.
reorganisation_recorded = Signal()

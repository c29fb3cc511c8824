"""Writes of the reclaim app, one function per business action."""

from reclaim.services.policy import reclaim_policy_change

__all__ = ["reclaim_policy_change"]

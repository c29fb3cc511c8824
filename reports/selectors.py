"""Reads of this app. Its models arrive with a later issue; the start page already asks."""

from core.attention import Attention


def attention_for(user) -> list[Attention]:
    """What this app asks of the person today (nothing yet)."""
    return []

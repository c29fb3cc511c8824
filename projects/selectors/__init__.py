"""Reads of the projects app: one page function per page, each with its own joins, and what
the start page asks (``attention_for``, ``works_on_projects``)."""

from .attention import attention_for, works_on_projects

__all__ = ["attention_for", "works_on_projects"]

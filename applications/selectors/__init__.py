"""Reads of the applications app: the pages' contents and the start page's items.

``attention.py`` (the start page), ``calls.py``, ``cases.py`` (sketches and applications),
``council.py`` (meetings and their decisions), ``reviews.py`` (assignments, scores, statements
and the recommendation), ``proposals.py`` (proposals to the board and the approval headroom).
"""

from .attention import attention_for

__all__ = ["attention_for"]

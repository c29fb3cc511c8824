"""State machines: one helper for every kind of case that moves through states.

Each kind of case (a call, a sketch, an application, a proposal; projects and reclaim plans
next) declares one ``StateMachine``: its transition table, the states in which it may still be
edited, and the Swedish refusals. Services call ``check``/``check_editable`` before they change
anything; views and templates ask ``allows``/``is_editable`` to decide which buttons to show.
No other module keeps a copy of a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models

from core.errors import DomainError


def _state_of(obj_or_state) -> str:
    return obj_or_state if isinstance(obj_or_state, str) else obj_or_state.state


@dataclass(frozen=True)
class StateMachine:
    """``transitions``: for every state, the states it may become. ``refusal`` and
    ``not_editable`` are lazy format strings with ``%(state)s`` (and ``%(to)s``) placeholders,
    filled with the states' labels in lower case. ``explain`` may give a better refusal for
    particular cases (``explain(obj, to)`` returns a DomainError, or None for the usual one)."""

    choices: type[models.TextChoices]
    transitions: Mapping[str, Iterable[str]]
    editable: Iterable[str]
    refusal: object
    not_editable: object
    explain: Callable[[object, str], DomainError | None] | None = None
    _table: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        table = {
            str(state): frozenset(str(to) for to in tos) for state, tos in self.transitions.items()
        }
        missing = set(self.choices.values) - set(table)
        if missing:
            raise ValueError(f"{self.choices.__name__}: no transitions given for {sorted(missing)}")
        unknown = {to for tos in table.values() for to in tos} - set(self.choices.values)
        if unknown:
            raise ValueError(f"{self.choices.__name__}: unknown target states {sorted(unknown)}")
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "editable", frozenset(str(state) for state in self.editable))

    @property
    def table(self) -> dict[str, frozenset[str]]:
        """The transition table: every state with the states it may become."""
        return dict(self._table)

    def targets(self, obj_or_state) -> frozenset[str]:
        """The states that a case in this state (or this case) may become."""
        return self._table[_state_of(obj_or_state)]

    def sources(self, to: str) -> frozenset[str]:
        """The states from which a case may become ``to`` (for queries: what waits for it)."""
        return frozenset(state for state, targets in self._table.items() if str(to) in targets)

    @property
    def open_states(self) -> frozenset[str]:
        """The states a case may still leave (not final): what a reorganisation hands over."""
        return frozenset(state for state, targets in self._table.items() if targets)

    def allows(self, obj_or_state, to: str) -> bool:
        return str(to) in self.targets(obj_or_state)

    def reaches(self, obj_or_state, to: str) -> bool:
        """Whether ``to`` lies ahead of this state along some path of transitions (a proposal
        being prepared will, if all goes well, be approved)."""
        seen, frontier = set(), [_state_of(obj_or_state)]
        while frontier:
            for target in self._table[frontier.pop()]:
                if target == str(to):
                    return True
                if target not in seen:
                    seen.add(target)
                    frontier.append(target)
        return False

    def is_editable(self, obj_or_state) -> bool:
        return _state_of(obj_or_state) in self.editable

    def _label(self, state: str) -> str:
        return str(self.choices(state).label).lower()

    def refusal_of(self, obj, to: str) -> DomainError | None:
        """The refusal of the transition of ``obj`` to ``to``, or None when the table allows
        it (for pages that explain before anyone tries)."""
        state = _state_of(obj)
        if self.allows(state, to):
            return None
        if self.explain is not None:
            error = self.explain(obj, str(to))
            if error is not None:
                return error
        return DomainError(
            str(self.refusal) % {"state": self._label(state), "to": self._label(str(to))},
            code="transition",
        )

    def check(self, obj, to: str) -> str:
        """Refuse the transition of ``obj`` to ``to`` unless the table allows it; returns the
        state it comes from (for the event row)."""
        refusal = self.refusal_of(obj, to)
        if refusal is not None:
            raise refusal
        return _state_of(obj)

    def check_editable(self, obj) -> None:
        if not self.is_editable(obj):
            raise DomainError(
                str(self.not_editable) % {"state": self._label(_state_of(obj))},
                code="not_editable",
            )

"""The one state-machine helper: its table, its refusals and what pages ask of it."""

import pytest
from django.db import models
from django.utils import translation

from applications import states
from applications.models import ApplicationState, CallState, ProposalState, SketchState
from core.errors import DomainError
from core.states import StateMachine


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    OFF = "off", "Off"


LIGHT = StateMachine(
    choices=Light,
    transitions={
        Light.RED: {Light.GREEN},
        Light.GREEN: {Light.AMBER, Light.OFF},
        Light.AMBER: {Light.RED},
        Light.OFF: set(),
    },
    editable={Light.RED},
    refusal="A light that is %(state)s cannot become %(to)s.",
    not_editable="A light that is %(state)s cannot be changed.",
)


class Lamp:
    def __init__(self, state):
        self.state = state


def test_check_returns_the_state_it_comes_from():
    assert LIGHT.check(Lamp(Light.RED), Light.GREEN) == "red"


def test_check_refuses_with_the_labels_in_lower_case():
    with pytest.raises(DomainError) as refused:
        LIGHT.check(Lamp(Light.RED), Light.OFF)
    assert refused.value.code == "transition"
    assert refused.value.message == "A light that is red cannot become off."


def test_allows_and_targets_take_a_case_or_a_state():
    assert LIGHT.allows(Lamp(Light.GREEN), Light.OFF)
    assert LIGHT.allows("green", "amber")
    assert not LIGHT.allows(Light.OFF, Light.RED)
    assert LIGHT.targets(Light.GREEN) == {"amber", "off"}


def test_editable_states_and_their_refusal():
    assert LIGHT.is_editable(Lamp(Light.RED))
    assert not LIGHT.is_editable(Light.GREEN)
    LIGHT.check_editable(Lamp(Light.RED))
    with pytest.raises(DomainError) as refused:
        LIGHT.check_editable(Lamp(Light.AMBER))
    assert refused.value.code == "not_editable"
    assert refused.value.message == "A light that is amber cannot be changed."


def test_reaches_follows_paths_through_cycles():
    assert LIGHT.reaches(Light.AMBER, Light.OFF)  # amber -> red -> green -> off
    assert LIGHT.reaches(Light.RED, Light.RED)  # round the cycle
    assert not LIGHT.reaches(Light.OFF, Light.RED)


def test_explain_gives_a_better_refusal_where_it_has_one():
    machine = StateMachine(
        choices=Light,
        transitions=LIGHT.table,
        editable=(),
        refusal="no",
        not_editable="no",
        explain=lambda lamp, to: DomainError("Already off.", code="off") if to == "off" else None,
    )
    with pytest.raises(DomainError) as refused:
        machine.check(Lamp(Light.RED), Light.OFF)
    assert refused.value.code == "off"
    with pytest.raises(DomainError) as refused:
        machine.check(Lamp(Light.RED), Light.AMBER)
    assert refused.value.code == "transition"


def test_a_table_must_name_every_state_and_only_known_targets():
    with pytest.raises(ValueError, match="no transitions given"):
        StateMachine(
            choices=Light,
            transitions={Light.RED: set()},
            editable=(),
            refusal="",
            not_editable="",
        )
    with pytest.raises(ValueError, match="unknown target"):
        StateMachine(
            choices=Light,
            transitions={**LIGHT.table, Light.OFF: {"blue"}},
            editable=(),
            refusal="",
            not_editable="",
        )


def test_refusals_read_in_the_language_asked_for():
    with translation.override("sv"), pytest.raises(DomainError) as refused:
        states.SKETCH.check(Lamp(SketchState.WITHDRAWN), SketchState.SUBMITTED)
    assert (
        refused.value.message
        == "En idéskiss som är återkallad kan inte bli inlämnad, väntar på rådet."
    )
    with translation.override("en"), pytest.raises(DomainError) as refused:
        states.SKETCH.check(Lamp(SketchState.WITHDRAWN), SketchState.SUBMITTED)
    assert refused.value.message == (
        "An idea sketch that is withdrawn cannot become submitted, awaiting the council."
    )


@pytest.mark.parametrize(
    "machine", [states.CALL, states.SKETCH, states.APPLICATION, states.PROPOSAL]
)
def test_every_state_of_every_case_has_a_row_and_editable_states_lead_on(machine):
    assert set(machine.table) == set(machine.choices.values)
    for state in machine.editable:
        assert machine.targets(state), f"{state} is editable but leads nowhere"


def test_the_derived_state_sets():
    assert set(states.OPEN_STATES) == {
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
        ApplicationState.REVISION_REQUESTED,
        ApplicationState.RECOMMENDED,
    }
    assert states.CALL.editable == {CallState.DRAFT, CallState.PUBLISHED}
    assert states.PROPOSAL.reaches(ProposalState.RETURNED, ProposalState.APPROVED)
    assert not states.PROPOSAL.reaches(ProposalState.APPROVED, ProposalState.APPROVED)
    assert states.awaits_council(Lamp(SketchState.SUBMITTED))
    assert not states.awaits_council(Lamp(SketchState.RETURNED))

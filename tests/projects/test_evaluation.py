"""The evaluation once the investment phase has ended: design, results, whether the project gave
economic effects and the measured cost reductions per benefiting organisation and year;
completing it makes the project evaluated, tells the benefiting organisations and puts their
council members in conflict with the case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from applications.models import Application
from core.conflicts import people_in_conflict
from core.models import Event, Organisation, OutboundEmail
from projects import services
from projects.models import Evaluation, EvaluationState, ProjectState
from tests import factories
from tests.projects.conftest import NEXT, YEAR, each, emails, pdf, refused

pytestmark = pytest.mark.django_db
E = EvaluationState
TEXTS = {
    "design": "comparison_group",
    "design_text": "Jämförelse med Skarpnäck.",
    "results": " Färre placeringar av barn. ",
    "observed_effects": "Lägre kostnader i socialtjänsten.",
    "counterfactual": "Utan projektet hade placeringarna legat kvar.",
}


@pytest.fixture
def ended(running, fund_admin):
    services.project_phase_end(actor=fund_admin, project=running, today=dt.date(NEXT + 1, 1, 2))
    running.refresh_from_db()
    return running


@pytest.fixture
def labour(council):
    """The council members' organisation; not named in the project's benefits plan."""
    return Organisation.objects.get(name="Arbetsmarknadsnämnden")


def write(project, actor, savings=None, **fields) -> Evaluation:
    return services.evaluation_update(actor=actor, project=project, savings=savings, **fields)


def complete(project, actor) -> Evaluation:
    return services.evaluation_complete(actor=actor, evaluation=project.evaluation)


def measured(project) -> list[tuple]:
    return sorted(
        Evaluation.objects.get(project=project).savings.values_list(
            "organisation_id", "year", "amount"
        )
    )


# --- Written --------------------------------------------------------------------------------------


def test_the_evaluation_waits_for_the_end_of_the_investment_phase(running, fund_admin):
    with translation.override("en"), refused(code="state") as info:
        write(running, fund_admin, **TEXTS)
    assert "the project is active" in info.value.message
    assert not Evaluation.objects.exists()


def test_the_evaluation_keeps_its_texts_answer_and_measured_reductions(ended, fund_admin, social):
    evaluation = write(
        ended,
        fund_admin,
        savings=[(social.pk, NEXT + 1, 500_000, " Placeringsdygn × dygnskostnad ")],
        economic_effects=True,
        **TEXTS,
    )
    evaluation.refresh_from_db()
    assert (evaluation.state, evaluation.design, evaluation.results, evaluation.created_by) == (
        E.DRAFT,
        "comparison_group",
        "Färre placeringar av barn.",
        fund_admin,
    )
    assert evaluation.economic_effects is True
    assert evaluation.savings.get().evidence == "Placeringsdygn × dygnskostnad"
    write(ended, fund_admin, results="Ändrat.")  # no rows given: the rows stay
    assert measured(ended) == [(social.pk, NEXT + 1, 500_000)]
    write(ended, fund_admin, savings=[])
    assert measured(ended) == []
    assert Event.objects.for_target(ended).filter(action="evaluation.updated").count() == 3


def test_savings_are_measured_from_the_year_the_project_started(ended, fund_admin, social):
    write(ended, fund_admin, savings=[(social.pk, NEXT + 1, 500_000, "")], **TEXTS)
    with translation.override("en"), refused(field="savings") as info:
        write(ended, fund_admin, savings=[(social.pk, YEAR - 1, 100_000, "")], results="Nytt.")
    assert f"{YEAR - 1} is before the project started ({YEAR})" in info.value.message
    write(ended, fund_admin, savings=[(social.pk, YEAR, 100_000, "")])
    assert measured(ended) == [(social.pk, YEAR, 100_000)]
    assert ended.evaluation.results == "Färre placeringar av barn."


def test_savings_arise_in_the_citys_organisations_only(ended, fund_admin, social, nonprofit):
    write(ended, fund_admin, savings=[(social.pk, NEXT + 1, 500_000, "")])
    with translation.override("en"), refused(field="savings") as info:
        write(ended, fund_admin, savings=[(nonprofit.pk, NEXT + 1, 100_000, "")])
    assert nonprofit.name in info.value.message
    with refused(field="savings"):
        write(ended, fund_admin, savings=[(nonprofit.pk + 1000, NEXT + 1, 100_000, "")])
    assert measured(ended) == [(social.pk, NEXT + 1, 500_000)]


def test_an_organisation_is_named_once_a_year(ended, fund_admin, social):
    with translation.override("en"), refused(field="savings") as info:
        write(
            ended,
            fund_admin,
            savings=[(social.pk, NEXT + 1, 500_000, ""), (social.pk, NEXT + 1, 100_000, "")],
        )
    assert f"{social.name} is named twice for {NEXT + 1}" in info.value.message
    assert not Evaluation.objects.exists()  # the first save was refused: nothing started


def test_measured_reductions_are_whole_kronor(ended, fund_admin, social):
    write(ended, fund_admin, savings=[(social.pk, NEXT + 1, 500_000, "")])
    for amount in (-1, 10.5, True):
        with refused(field="savings"):
            write(ended, fund_admin, savings=[(social.pk, NEXT + 1, amount, "")])
    assert measured(ended) == [(social.pk, NEXT + 1, 500_000)]


# --- Completed ------------------------------------------------------------------------------------


def test_the_evaluation_is_completed_only_when_it_answers_everything(ended, fund_admin, social):
    write(ended, fund_admin)
    with translation.override("en"), refused(code="incomplete") as info:
        complete(ended, fund_admin)
    for problem in (
        "Choose the evaluation design.",
        "Describe the results.",
        "Say whether the project gave economic effects.",
    ):
        assert problem in info.value.message
    write(ended, fund_admin, savings=[(social.pk, NEXT + 1, 0, "")], economic_effects=True, **TEXTS)
    with translation.override("en"), refused(code="incomplete") as info:
        complete(ended, fund_admin)
    assert info.value.message == (
        "Give the measured cost reduction per benefiting organisation and year."
    )
    write(ended, fund_admin, savings=[(social.pk, NEXT + 1, 1, "")], economic_effects=False)
    with translation.override("en"), refused(code="incomplete") as info:
        complete(ended, fund_admin)
    assert "gave no economic effects, yet records cost reductions" in info.value.message
    ended.refresh_from_db()
    assert (ended.state, ended.evaluation.state) == (ProjectState.PHASE_ENDED, E.DRAFT)
    # No economic effects and no reductions: complete (and exempt from reclaim).
    write(ended, fund_admin, savings=[], economic_effects=False)
    assert complete(ended, fund_admin).state == E.COMPLETED


def test_completing_makes_the_project_evaluated_and_the_evaluation_final(ended, fund_admin, social):
    write(ended, fund_admin, savings=[(social.pk, NEXT + 1, 500_000, "")], economic_effects=True)
    write(ended, fund_admin, **TEXTS)
    evaluation = complete(ended, fund_admin)
    ended.refresh_from_db()
    assert ended.state == ProjectState.EVALUATED
    assert (evaluation.state, evaluation.completed_by) == (E.COMPLETED, fund_admin)
    events = Event.objects.for_target(ended)
    assert events.filter(action="evaluation.completed").count() == 1
    assert events.filter(action="project.evaluated", to_state=ProjectState.EVALUATED).count() == 1
    with refused(code="not_editable"):
        write(ended, fund_admin, results="Efteråt.")
    with refused(code="transition"):
        complete(ended, fund_admin)
    assert Evaluation.objects.get(project=ended).results == "Färre placeringar av barn."


def test_each_benefiting_organisations_people_hear_of_the_evaluation_once(
    ended, fund_admin, social, education
):
    social_people = [factories.person(organisation=social) for _ in range(2)]
    teacher = factories.person(organisation=education)
    write(
        ended,
        fund_admin,
        savings=[
            (social.pk, NEXT + 1, 500_000, ""),
            (social.pk, NEXT + 2, 300_000, ""),
            (education.pk, NEXT + 1, 200_000, ""),
        ],
        economic_effects=True,
        **TEXTS,
    )
    OutboundEmail.objects.all().delete()
    complete(ended, fund_admin)
    assert emails("evaluation_completed") == each(*social_people, teacher)
    body = OutboundEmail.objects.get(to=[social_people[0].email]).body.replace("\xa0", " ")
    assert f"{social.name} (800 000 kr)" in body


def test_a_council_member_of_an_organisation_the_evaluation_names_is_in_conflict(
    ended, fund_admin, council, labour
):
    today = timezone.localdate()
    application = ended.application
    member = council[1]
    assert people_in_conflict(council, ended, today) == set()
    assert Application.objects.visible_to(member).filter(pk=application.pk).exists()
    write(ended, fund_admin, savings=[(labour.pk, NEXT + 1, 300_000, "")], economic_effects=True)
    write(ended, fund_admin, **TEXTS)
    complete(ended, fund_admin)
    everyone = {person.pk for person in council}
    assert people_in_conflict(council, ended, today) == everyone
    assert people_in_conflict(council, application, today) == everyone
    assert not Application.objects.visible_to(member).filter(pk=application.pk).exists()


def test_attachments_are_added_while_the_evaluation_is_written(ended, fund_admin):
    write(ended, fund_admin, economic_effects=False, **TEXTS)
    evaluation = ended.evaluation
    attachment = services.evaluation_attachment_add(
        actor=fund_admin, evaluation=evaluation, title="Rapport", uploaded=pdf("rapport.pdf")
    )
    assert (attachment.evaluation, attachment.title, attachment.original_name) == (
        evaluation,
        "Rapport",
        "rapport.pdf",
    )
    complete(ended, fund_admin)
    with refused(code="not_editable"):
        services.evaluation_attachment_add(
            actor=fund_admin, evaluation=evaluation, title="Sen", uploaded=pdf()
        )
    assert evaluation.attachments.count() == 1

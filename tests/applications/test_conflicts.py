"""Who is in conflict with a case: one module (core.conflicts) that every caller asks, with the
organisations and parts that each kind of case registers at start-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone, translation

from applications import services
from applications.models import Application, IdeaSketch, SavingsRow
from core import conflicts
from core.conflicts import Part
from core.errors import DomainError
from core.models import Role
from tests import factories
from tests.applications.conftest import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def isolated_sources(monkeypatch):
    """Sources registered by a test are gone after it."""
    monkeypatch.setattr(
        conflicts, "_SOURCES", {model: list(s) for model, s in conflicts._SOURCES.items()}
    )


@pytest.fixture
def benefiting(db):
    return factories.OrganisationFactory(name="Utbildningsnämnden", kind="specialist_committee")


@pytest.fixture
def with_benefits_plan(complete_application, applicant, benefiting):
    """The shared application with a second savings row, in another organisation, submitted
    (savings, unlike the budget, may fall after the project period)."""
    application = complete_application
    savings = [
        {"pk": row.pk, **{c: getattr(row, c) for c in ("organisation", "year", "amount")}}
        | {"assumptions": row.assumptions}
        for row in application.savings.all()
    ]
    savings.append(
        {
            "pk": None,
            "organisation": benefiting,
            "year": timezone.localdate().year + 2,
            "amount": 200_000,
            "assumptions": "Färre elevhälsoinsatser.",
        }
    )
    services.application_update(actor=applicant, application=application, rows={"savings": savings})
    services.application_submit(actor=applicant, application=application)
    return Application.objects.get(pk=application.pk)


def test_a_sketch_names_its_owner_co_owners_and_partners(
    sketch, organisation, co_owner_org, nonprofit
):
    assert conflicts.parts_of(sketch) == {
        organisation.pk: Part.OWNER,
        co_owner_org.pk: Part.CO_OWNER,
        nonprofit.pk: Part.PARTNER,
    }


def test_an_application_also_names_the_benefiting_organisations(
    with_benefits_plan, organisation, co_owner_org, nonprofit, benefiting
):
    # The owner is in the benefits plan too (complete_rows): it stays the owner.
    assert SavingsRow.objects.filter(
        application=with_benefits_plan, organisation=organisation
    ).exists()
    assert conflicts.parts_of(with_benefits_plan) == {
        organisation.pk: Part.OWNER,
        co_owner_org.pk: Part.CO_OWNER,
        nonprofit.pk: Part.PARTNER,
        benefiting.pk: Part.BENEFITING,
    }


def test_reasons_name_each_organisation_with_its_part(with_benefits_plan, co_owner_org, benefiting):
    member = factories.person(Role.COUNCIL_MEMBER, organisation=co_owner_org)
    factories.MembershipFactory(user=member, organisation=benefiting)
    with translation.override("en"):
        reasons = conflicts.reasons(member, with_benefits_plan, timezone.localdate())
    assert reasons == [
        f"member of {co_owner_org.name}, a co-owner",
        f"member of {benefiting.name}, a benefiting organisation",
    ]
    with translation.override("sv"):
        [first, _second] = conflicts.reasons(member, with_benefits_plan, timezone.localdate())
    assert first == f"medlem i {co_owner_org.name} (medägare)"


def test_only_memberships_in_force_on_the_day_count(sketch, co_owner_org):
    member = factories.person(Role.COUNCIL_MEMBER)
    factories.MembershipFactory(
        user=member,
        organisation=co_owner_org,
        valid_from=dt.date(2015, 1, 1),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    assert conflicts.reasons(member, sketch, timezone.localdate()) == []
    assert conflicts.people_in_conflict([member], sketch, dt.date(2016, 1, 1)) == {member.pk}


def test_involving_finds_the_cases_of_an_organisation_by_part(
    with_benefits_plan, organisation, benefiting
):
    every_part = conflicts.involving(Application, {benefiting.pk})
    own_parts = conflicts.involving(Application, {benefiting.pk}, parts=conflicts.PARTICIPATING)
    assert list(Application.objects.filter(every_part)) == [with_benefits_plan]
    assert not Application.objects.filter(own_parts).exists()
    assert IdeaSketch.objects.filter(
        conflicts.involving(IdeaSketch, {organisation.pk}, parts={Part.OWNER})
    ).exists()
    assert not Application.objects.filter(conflicts.involving(Application, set())).exists()


def test_a_later_app_adds_organisations_to_a_case_and_every_caller_follows(
    isolated_sources, with_benefits_plan, fund_admin, council
):
    """As the projects app will for the benefiting organisations of an evaluation: one
    registration, and assignment, visibility and the reasons all know the new conflict."""
    evaluated = factories.OrganisationFactory(name="Evaluerad nämnd", kind="specialist_committee")
    member = factories.person(Role.COUNCIL_MEMBER, organisation=evaluated, name="Eva Ledamot")
    assert Application.objects.visible_to(member).filter(pk=with_benefits_plan.pk).exists()
    conflicts.register(
        Application,
        "evaluation",
        parts={Part.BENEFITING},
        of=lambda application: [(evaluated.pk, Part.BENEFITING)],
        q=lambda own: Q(pk=with_benefits_plan.pk) if evaluated.pk in own else Q(pk__in=[]),
    )
    assert conflicts.reasons(member, with_benefits_plan, timezone.localdate())
    assert not Application.objects.visible_to(member).filter(pk=with_benefits_plan.pk).exists()
    with pytest.raises(DomainError) as refused:
        assign(with_benefits_plan, fund_admin, member)
    assert refused.value.code == "conflict"


def test_a_kind_of_case_without_sources_is_a_programming_error():
    with pytest.raises(LookupError):
        conflicts.parts_of(factories.OrganisationFactory())

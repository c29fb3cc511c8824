"""What reclaim puts on the start pages: evaluated projects waiting for a plan (fund
administrators), versions to decide (the city director), overdue lines (fund administrators
and the owing organisation's applicants)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.events import recorded_at
from reclaim import services
from reclaim.selectors import attention_for
from tests import factories
from tests.reclaim.conftest import YEAR

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return [str(item.title) for item in attention_for(user)]


def test_an_evaluated_project_waits_for_its_plan_and_the_city_director_for_the_decision(
    evaluated, fund_admin, city_director
):
    assert titles(fund_admin) == ["1 utvärderat projekt väntar på en plan för återföring"]
    plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    assert titles(fund_admin) == []
    assert titles(city_director) == []
    services.plan_version_submit(actor=fund_admin, version=plan.versions.get())
    [item] = attention_for(city_director)
    assert str(item.title) == "1 plan för återföring att besluta"
    assert item.url == f"/reclaim/projects/{evaluated.pk}/"


def test_an_unbooked_line_of_last_year_is_overdue_for_the_fund_and_the_owing_organisation(
    evaluated, fund_admin, city_director, social, education
):
    plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    version = plan.versions.get()
    services.plan_version_update(
        actor=fund_admin,
        version=version,
        start_year=YEAR - 1,
        lines={(social.pk, YEAR - 1): 100_000, (education.pk, YEAR): 50_000},
    )
    services.plan_version_submit(actor=fund_admin, version=version)
    decided = timezone.make_aware(dt.datetime.combine(dt.date(YEAR - 2, 3, 1), dt.time(10)))
    with recorded_at(decided):
        services.plan_version_approve(actor=city_director, version=version)
    owing = factories.person("applicant", organisation=social, name="Siv Social")
    other = factories.person("applicant", organisation=education, name="Ulf Utbildning")
    assert "1 rad i planen för återföring försenad" in titles(fund_admin)
    assert titles(owing) == ["1 rad i planen för återföring försenad"]
    assert titles(other) == []  # this year's line is not overdue yet
    services.installment_book(
        actor=fund_admin, plan=plan, organisation=social, year=YEAR - 1, amount=100_000
    )
    assert titles(owing) == []
    assert not any("försenad" in title for title in titles(fund_admin))

"""Who hears of reclaim (README "Notifications", one test per row): a version sent to the
city director, sent back, decided, and a project exempted."""

from __future__ import annotations

import pytest

from core.models import OutboundEmail
from reclaim import services
from tests import factories
from tests.projects.conftest import emails

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(evaluated, fund_admin):
    return services.reclaim_plan_draft(actor=fund_admin, project=evaluated).versions.get()


def test_a_version_sent_goes_to_the_city_director_and_the_delegate(
    draft, fund_admin, city_director
):
    delegate = factories.person("fund_admin", name="Dag Delegat")
    factories.DelegationFactory(delegator=city_director, delegate=delegate)
    services.plan_version_submit(actor=fund_admin, version=draft)
    assert emails("reclaim_sent") == sorted([[city_director.email], [delegate.email]])


def test_a_version_sent_back_goes_to_the_fund_administrators_with_the_message(
    draft, fund_admin, city_director
):
    services.plan_version_submit(actor=fund_admin, version=draft)
    services.plan_version_return(actor=city_director, version=draft, message="Passa in i taket.")
    assert emails("reclaim_returned") == [[fund_admin.email]]
    assert "Passa in i taket." in OutboundEmail.objects.get(kind="reclaim_returned").body


def test_a_decided_version_goes_to_the_fund_and_each_line_organisation_with_its_total(
    draft, fund_admin, city_director, social, education
):
    social_staff = factories.person("applicant", organisation=social, name="Sara Social")
    education_staff = factories.person("applicant", organisation=education, name="Ulf Utbildning")
    services.plan_version_submit(actor=fund_admin, version=draft)
    services.plan_version_approve(
        actor=city_director, version=draft, above_cap_reason="Beslutat över taket."
    )
    assert emails("reclaim_decided_fund") == [[fund_admin.email]]
    assert emails("reclaim_decided") == sorted([[social_staff.email], [education_staff.email]])
    body = OutboundEmail.objects.get(kind="reclaim_decided", to=[social_staff.email]).body
    assert "1 500 000" in body.replace("\xa0", " ")  # social's 600 000 + 900 000


def test_an_exempted_project_is_told_to_its_side_with_the_reason(evaluated, city_director, manager):
    services.reclaim_exempt(actor=city_director, project=evaluated, reason="Inga effekter.")
    assert [manager.email] in emails("reclaim_exempted")
    assert "Inga effekter." in OutboundEmail.objects.filter(kind="reclaim_exempted")[0].body

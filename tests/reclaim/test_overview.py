"""The views of reclaim by role: a fund's overview (plans waiting, plan against booked, the
forward position from the ledger's available amount and the decided lines not yet booked), what
an organisation owes the fund across projects, and the comments on an organisation's own
lines."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Comment
from core.money import format_kr
from reclaim import plans, services
from tests import factories
from tests.reclaim.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_the_forward_position_adds_each_years_open_lines_and_overdue_ones_this_year():
    rows = plans.forward_position(1_000, {YEAR - 2: 5, YEAR: 10, YEAR + 2: 100}, YEAR)
    assert [(r.year, r.expected, r.available) for r in rows] == [
        (YEAR, 15, 1_015),
        (YEAR + 1, 0, 1_015),
        (YEAR + 2, 100, 1_115),
    ]
    assert [(r.year, r.available) for r in plans.forward_position(7, {}, YEAR)] == [(YEAR, 7)]


@pytest.fixture
def social_staff(social):
    return factories.person("applicant", organisation=social, name="Sara Social")


def test_the_fund_overview_projects_the_decided_lines_onto_the_ledgers_available_amount(
    client, decided, fund_admin, city_director, social, applicant
):
    services.installment_book(
        actor=fund_admin, plan=decided, organisation=social, year=YEAR, amount=600_000
    )
    fund = decided.project.registration.fund
    available = fund.position(timezone.localdate()).available
    url = reverse("reclaim:fund", args=[fund.pk])
    client.force_login(applicant)
    assert client.get(url).status_code == 404
    client.force_login(city_director)
    response = client.get(url)
    page = response.content.decode()
    # Open: education's 500 000 this year, social's 900 000 next year.
    assert [(r.year, r.expected, r.available) for r in response.context["projection"]] == [
        (YEAR, 500_000, available + 500_000),
        (YEAR + 1, 900_000, available + 1_400_000),
    ]
    assert f'data-projected="{YEAR + 1}">{format_kr(available + 1_400_000)}' in page
    assert f'data-figure="available-today">{format_kr(available)}' in page
    plan_row = response.context["plans"][0]
    assert (plan_row.totals.decided, plan_row.totals.booked, plan_row.totals.remaining) == (
        2_000_000,
        600_000,
        1_400_000,
    )
    assert "<svg" in page


def test_an_organisation_sees_what_it_owes_across_projects_and_comments_on_its_own_lines(
    client, decided, fund_admin, social, education, social_staff
):
    services.installment_book(
        actor=fund_admin, plan=decided, organisation=social, year=YEAR, amount=600_000
    )
    client.force_login(social_staff)
    response = client.get(reverse("reclaim:home"))
    (section,) = response.context["sections"]
    assert section["organisation"] == social
    assert [(r.line.year, r.line.amount) for r in section["rows"]] == [
        (YEAR, 600_000),
        (YEAR + 1, 900_000),
    ]
    assert (section["totals"].booked, section["totals"].remaining) == (600_000, 900_000)
    assert response.context["funds"] == []  # the overview is for those who follow the fund

    project = decided.project
    plan_url = reverse("reclaim:plan", args=[project.pk])
    page = client.get(plan_url)
    assert [org for org, _thread in page.context["threads"]] == [social]  # its own only
    assert [o.pk for o in page.context["comment_form"]["about"]] == [social.pk]
    comment_url = reverse("reclaim:plan_comment", args=[project.pk])
    client.post(
        comment_url, {"text": "Beloppet 2027 stämmer inte med budgeten.", "about": social.pk}
    )
    comment = Comment.objects.get()
    assert (comment.about, comment.organisation) == (social, social)
    # Not about another organisation's lines.
    response = client.post(comment_url, {"text": "Om Utbildning.", "about": education.pk})
    assert response.status_code == 200
    assert Comment.objects.count() == 1
    # The fund administrator answers, for the fund.
    client.force_login(fund_admin)
    client.post(comment_url, {"text": "Vi ser över det.", "about": social.pk})
    assert Comment.objects.filter(organisation=None, about=social).count() == 1


def test_a_person_of_no_organisation_in_the_plan_may_not_comment(client, decided, applicant):
    client.force_login(applicant)  # the project's owner, with no lines of its own
    url = reverse("reclaim:plan_comment", args=[decided.project.pk])
    assert client.post(url, {"text": "Hej."}).status_code == 403

"""The fund in figures on the start pages of the city director and the fund administrators:
the position at each year end, reclaim per year (plan against booked) and money per project
state, each with its numbers as a table and a link to the list behind it; figures checked
against sums of the raw rows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from core.money import format_kr
from projects.models import Project
from reclaim.models import Installment, PlanLine, VersionState
from tests.reports.conftest import YEAR, balance_of, raw_sums

pytestmark = pytest.mark.django_db


def _figures(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.text


def test_the_city_director_sees_the_fund_in_figures_with_tables_and_links(
    client, portfolio, city_director
):
    page = _figures(client, city_director)
    assert f"{portfolio.name} i siffror" in page
    assert page.count('<figure class="chart"') == 3
    # Each chart's numbers as a table, and the list behind it.
    assert page.count("chart-table") == 3
    for url in (
        reverse("funds:detail", args=[portfolio.pk]),
        reverse("reclaim:fund", args=[portfolio.pk]),
        reverse("projects:list"),
    ):
        assert f'href="{url}"' in page
    sums = raw_sums(portfolio, timezone.localdate())
    balance = balance_of(sums)
    assert format_kr(balance) in page
    # Reclaim this year: the decided lines' sum and the booked installment, from raw rows.
    decided = sum(
        PlanLine.objects.filter(year=YEAR, version__state=VersionState.APPROVED).values_list(
            "amount", flat=True
        )
    )
    booked = sum(Installment.objects.filter(year=YEAR).values_list("amount", flat=True))
    assert (decided, booked) == (1_100_000, 600_000)
    assert f'<th scope="row">{YEAR}</th><td class="text-end">{format_kr(decided)}</td>' in (page)
    assert format_kr(booked) in page
    # Money per state: the one project's grant less releases, and its net payments.
    project = Project.objects.get()
    assert project.get_state_display() in page
    net_paid = sums["disbursement"] - sums["refund"]
    assert format_kr(net_paid) in page


def test_fund_administrators_see_it_and_applicants_do_not(client, portfolio, fund_admin, applicant):
    assert f"{portfolio.name} i siffror" in _figures(client, fund_admin)
    page = _figures(client, applicant)
    assert "i siffror" not in page
    assert '<figure class="chart"' not in page


def test_a_fund_without_money_says_so(client, fund, city_director):
    page = _figures(client, city_director)
    assert f"{fund.name} i siffror" in page
    assert "Fonden har ännu inga pengar i sin huvudbok." in page


def test_the_figures_are_kept_for_a_minute_and_say_when_they_were_read(
    client, portfolio, city_director, fund_admin
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import services as core_services
    from core.models import EntryKind

    client.force_login(city_director)
    with CaptureQueriesContext(connection) as first:
        page = client.get("/").text
    assert f"Siffror kl. {timezone.localtime():%H}:" in page
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert len(again) < len(first)
    core_services.ledger_entry_record(
        actor=fund_admin,
        fund=portfolio,
        kind=EntryKind.INJECTION,
        amount=1_000_000_000,
        value_date=timezone.localdate(),
        by_hand=True,
        reference="KF",
    )
    sums = raw_sums(portfolio, timezone.localdate())
    balance = balance_of(sums)
    # Within the minute the page shows the figures it read; after it, the new balance.
    assert format_kr(balance) not in client.get("/").text
    cache.clear()
    assert format_kr(balance) in client.get("/").text


def test_the_funds_reclaim_lines_as_a_file(client, portfolio, city_director, applicant):
    import csv
    import io

    client.force_login(city_director)
    url = reverse("reclaim:fund", args=[portfolio.pk])
    assert "?export=xlsx" in client.get(url).text
    response = client.get(url, {"export": "csv-semikolon"})
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["Diarienummer", "Investering", "Organisation", "År", "Beslutat (plan)"]
    lines = PlanLine.objects.filter(version__state=VersionState.APPROVED)
    assert sorted(int(row[4]) for row in rows[1:]) == sorted(line.amount for line in lines)
    assert sorted(row[5] for row in rows[1:]) == ["Bokförd", "Kommande", "Kommande"]
    # The overview is for those who read everything: an applicant gets no file either.
    client.force_login(applicant)
    assert client.get(url, {"export": "csv"}).status_code in (403, 404)

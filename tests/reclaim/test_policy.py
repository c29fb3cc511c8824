"""A fund's reclaim rules: each change a new version with its reason, the window kept on the
fund for the applications' benefits plans; the page says which rules are the guidelines' and
which are our choices; everyone reads them, fund administrators record a change."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import DomainError
from core.models import Event
from reclaim import plans, selectors, services
from reclaim.models import ReclaimPolicy
from tests import factories

pytestmark = pytest.mark.django_db

CHANGE = {
    "window_years": 5,
    "start_offset": 2,
    "cap_at_net_paid": False,
    "reason": "Kommunstyrelsens beslut 2026-11-30, KS 2026/999.",
}


def test_until_a_change_the_rules_are_the_defaults_with_the_funds_window(fund):
    assert selectors.policy_in_force(fund) is None
    assert selectors.rules_for(fund) == plans.Policy(window_years=6)
    fund.reclaim_window_years = 4
    assert selectors.rules_for(fund).window_years == 4


def test_a_change_is_a_new_version_with_its_reason_and_moves_the_funds_window(fund, fund_admin):
    first = services.reclaim_policy_change(actor=fund_admin, fund=fund, **CHANGE)
    assert (first.version, first.created_by) == (1, fund_admin)
    fund.refresh_from_db()
    assert fund.reclaim_window_years == 5
    assert selectors.rules_for(fund) == plans.Policy(5, 2, False)
    second = services.reclaim_policy_change(
        actor=fund_admin, fund=fund, **{**CHANGE, "start_offset": 1, "reason": "Tillbaka."}
    )
    assert second.version == 2
    assert [v.version for v in selectors.policy_versions(fund)] == [2, 1]
    assert selectors.rules_for(fund) == plans.Policy(5, 1, False)
    events = Event.objects.filter(action="reclaim.policy_changed").order_by("pk")
    assert [e.data["version"] for e in events] == [1, 2]
    assert events[0].comment == CHANGE["reason"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"window_years": 7}, "window_years"),
        ({"window_years": 0}, "window_years"),
        ({"start_offset": 4}, "start_offset"),
    ],
)
def test_a_change_without_reason_or_outside_the_guidelines_is_refused(
    fund, fund_admin, change, field
):
    with pytest.raises(DomainError) as refused:
        services.reclaim_policy_change(actor=fund_admin, fund=fund, **{**CHANGE, **change})
    assert refused.value.field == field
    assert not ReclaimPolicy.objects.exists()
    fund.refresh_from_db()
    assert fund.reclaim_window_years == 6


def test_recording_the_rules_already_in_force_is_refused(fund, fund_admin):
    with pytest.raises(DomainError) as refused:
        services.reclaim_policy_change(
            actor=fund_admin,
            fund=fund,
            window_years=6,
            start_offset=1,
            cap_at_net_paid=True,
            reason="Samma som förut.",
        )
    assert refused.value.code == "unchanged"
    assert not ReclaimPolicy.objects.exists()


def test_the_page_labels_the_guidelines_and_our_choices_for_any_person(client, fund, applicant):
    client.force_login(applicant)
    page = client.get(f"/reclaim/policies/{fund.pk}/").content.decode()
    assert "6 kalenderår" in page
    assert page.count("Riktlinjerna") == 2  # the period and the exemptions
    assert page.count("Vårt val") == 2  # the first year and the cap
    assert "Första kalenderåret efter beslutet" in page
    assert "Ändra reglerna" not in page  # only fund administrators
    assert f"/funds/{fund.pk}/" not in page  # an applicant does not read the fund's ledger


def test_a_fund_administrator_records_a_change_once_on_a_double_click(client, fund, fund_admin):
    client.force_login(fund_admin)
    page = client.get(f"/reclaim/policies/{fund.pk}/edit/").content.decode()
    assert 'name="window_years"' in page
    assert "riktlinjerna tillåter högst sex" in page
    data = {**CHANGE, "cap_at_net_paid": "", "idempotency_key": str(uuid.uuid4())}
    first = client.post(f"/reclaim/policies/{fund.pk}/edit/", data)
    again = client.post(f"/reclaim/policies/{fund.pk}/edit/", data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/reclaim/policies/{fund.pk}/"
    assert ReclaimPolicy.objects.count() == 1
    page = client.get(f"/reclaim/policies/{fund.pk}/").content.decode()
    assert "Version 1, i kraft sedan" in page
    assert "KS 2026/999" in page
    assert "Inget tak" in page


def test_a_form_without_a_reason_keeps_what_was_typed(client, fund, fund_admin):
    client.force_login(fund_admin)
    response = client.post(
        f"/reclaim/policies/{fund.pk}/edit/",
        {"window_years": "4", "start_offset": "0", "reason": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_reason_error"' in page
    assert "Detta fält måste fyllas i." in page
    assert '<option value="4" selected>' in page
    assert '<option value="0" selected>Året för beslutet om återföring</option>' in page
    assert not ReclaimPolicy.objects.exists()


def test_the_fund_page_links_to_its_reclaim_rules(client, fund, fund_admin):
    client.force_login(fund_admin)
    page = client.get(f"/funds/{fund.pk}/").content.decode()
    assert f'href="/reclaim/policies/{fund.pk}/"' in page
    edit = client.get(f"/funds/{fund.pk}/edit/").content.decode()
    assert 'name="reclaim_window_years"' not in edit  # changed with the rules, not here


def _queries(client, fund) -> int:
    client.get(f"/reclaim/policies/{fund.pk}/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/reclaim/policies/{fund.pk}/").status_code == 200
    return len(captured.captured_queries)


def test_the_policy_page_asks_the_same_queries_with_n_and_10n_versions(client, fund_admin):
    fund = factories.FundFactory(name="Räknefonden")
    client.force_login(fund_admin)
    for n in range(2):
        services.reclaim_policy_change(
            actor=fund_admin, fund=fund, **{**CHANGE, "window_years": 5 + n % 2}
        )
    at_n = _queries(client, fund)
    for n in range(18):
        services.reclaim_policy_change(
            actor=fund_admin, fund=fund, **{**CHANGE, "window_years": 5 + n % 2}
        )
    assert ReclaimPolicy.objects.filter(fund=fund).count() == 20
    assert _queries(client, fund) == at_n

"""The review and decision pages through the Django client: what each person can do and see,
and how refusals read. The services' rules are tested in test_reviews.py and
test_decisions.py; the browser journey in tests/browser/test_decision_journey.py."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    BoardDecision,
    Proposal,
    ReviewAssignment,
    Score,
)
from core.models import EntryKind, LedgerEntry, OutboundEmail, Role
from projects.models import Project
from tests import factories
from tests.applications.conftest import assign, declare, inject, recommend, score


def _form(**fields) -> dict:
    return {key: value for key, value in fields.items() if value is not None}


def _score_post(version=1, *, points=4, met="yes", comment="Välgrundat", **extra):
    data = {"version": version, "suggested_outcome": "grant", "suggested_amount": "3 000 000"}
    for n in range(1, 6):
        data[f"met_{n}"] = met
        data[f"points_{n}"] = points
        data[f"comment_{n}"] = f"{comment} {n}"
    data.update(extra)
    return data


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_assigning_a_member_of_a_partner_is_refused_with_the_reason(
    client, submitted, fund_admin, nonprofit
):
    member = factories.person(Role.COUNCIL_MEMBER, organisation=nonprofit, name="Pia Partner")
    client.force_login(fund_admin)
    url = reverse("applications:review_assign", args=[submitted.pk])
    response = client.post(url, {"kind": "council", "reviewer": member.pk})
    assert response.status_code == 200
    text = _text(response)
    assert "Pia Partner" in text
    assert "Föreningen Läslust" in text
    assert "partner" in text
    assert not ReviewAssignment.objects.exists()


def test_the_whole_review_through_the_pages(
    client, submitted, fund_admin, council, meeting, applicant
):
    client.force_login(fund_admin)
    for member in council:
        response = client.post(
            reverse("applications:review_assign", args=[submitted.pk]),
            {"kind": "council", "reviewer": member.pk},
        )
        assert response.status_code == 302
    first, second, third = (
        ReviewAssignment.objects.get(reviewer=member, application=submitted) for member in council
    )

    # The first member declares and scores; a score of 6 is refused and keeps what was typed.
    client.force_login(council[0])
    assert client.get(reverse("reviews:list")).status_code == 200
    response = client.get(reverse("reviews:score", args=[first.pk]))
    assert response.status_code == 302  # declare first
    response = client.post(reverse("reviews:declare", args=[first.pk]), {"conflict": "no"})
    assert response.status_code == 302
    bad = _score_post(points_3="6", comment_5="")
    response = client.post(reverse("reviews:score", args=[first.pk]), bad)
    assert response.status_code == 200
    text = _text(response)
    assert "Ge kriterium 3 ett betyg från 1 till 5" in text or "1 till 5" in text
    assert "Välgrundat 1" in text  # kept
    assert not Score.objects.exists()
    response = client.post(reverse("reviews:score", args=[first.pk]), _score_post(points=5))
    assert response.status_code == 302
    # Now the member sees the review page with their scores, no one else's yet.
    page = _text(client.get(reverse("applications:review", args=[submitted.pk])))
    assert council[0].full_name in page

    # The second member has not scored: sees no one's scores.
    client.force_login(council[1])
    client.post(reverse("reviews:declare", args=[second.pk]), {"conflict": "no"})
    page = _text(client.get(reverse("applications:review", args=[submitted.pk])))
    assert council[0].full_name not in page
    assert "Välgrundat" not in page
    client.post(reverse("reviews:score", args=[second.pk]), _score_post(points=2))
    page = _text(client.get(reverse("applications:review", args=[submitted.pk])))
    assert council[0].full_name in page
    assert "Välgrundat" in page
    assert "Ledamöterna är oeniga" in page or "oeniga" in page

    # The third declares a conflict: removed, the administrators told.
    client.force_login(council[2])
    response = client.post(
        reverse("reviews:declare", args=[third.pk]), {"conflict": "yes", "text": "Jävig."}
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.removed_at is not None
    assert OutboundEmail.objects.filter(kind="review_conflict_declared").exists()
    page = _text(client.get(reverse("applications:review", args=[submitted.pk])))
    assert "Välgrundat" not in page

    # The applicant never reaches the review page, and their page shows no scores or names.
    client.force_login(applicant)
    assert client.get(reverse("applications:review", args=[submitted.pk])).status_code == 404
    page = _text(client.get(reverse("applications:detail", args=[submitted.pk])))
    for member in council:
        assert member.full_name not in page
    assert "Välgrundat" not in page

    # The administrator records the recommendation; a grant with a criterion not met is refused.
    client.force_login(fund_admin)
    url = reverse("applications:recommend", args=[submitted.pk])
    assert client.get(url).status_code == 200
    year = timezone.localdate().year
    data = {
        "meeting": meeting.pk,
        "outcome": "grant",
        "summary": "Rådets sammanfattning.",
        "reasons": "Motivering till sökande.",
        f"amount_{year}": "3 000 000",
        **{f"met_{n}": "yes" for n in range(1, 6)},
    }
    response = client.post(url, data | {"met_2": "no"})
    assert response.status_code == 200
    assert "kriterium 2" in _text(response)
    response = client.post(url, data)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "recommended"

    # The applicant sees the recommendation and its reasons, never the scores.
    client.force_login(applicant)
    page = _text(client.get(reverse("applications:detail", args=[submitted.pk])))
    assert "Motivering till sökande." in page
    assert "Rådets sammanfattning." in page
    assert "Välgrundat" not in page
    for member in council:
        assert member.full_name not in page
    mails = list(OutboundEmail.objects.filter(kind="application_recommended"))
    # The applicant who submitted, and the contact person named in the application.
    assert sorted(address for mail in mails for address in mail.to) == sorted(
        [applicant.email, submitted.contact_email]
    )
    for mail in mails:
        assert "Motivering till sökande." in mail.body
        assert "Välgrundat" not in mail.body
        assert "Välgrundat" not in mail.subject
        for member in council:
            assert member.full_name not in mail.body


@pytest.fixture
def delegate(city_director):
    from core.services.delegations import delegation_create

    person = factories.person(name="Dora Delegat")
    delegation_create(
        actor=city_director,
        delegate=person,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    return person


def test_proposal_to_board_decision_through_the_pages(
    client, recommended, fund_admin, fund, delegate, applicant
):
    board_secretary = factories.person(Role.BOARD_SECRETARY, name="Bo Sekreterare")
    inject(fund, fund_admin, 10_000_000, value_date=timezone.localdate() - dt.timedelta(days=5))
    client.force_login(fund_admin)
    page = _text(client.get(reverse("proposals:list")))
    assert recommended.call.title in page
    response = client.post(reverse("proposals:create"), {"call": recommended.call_id})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    client.post(reverse("proposals:edit", args=[proposal.pk]), {"summary": "Rådet föreslår."})
    client.post(reverse("proposals:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.state == "submitted"

    # The board secretary cannot record before approval; the delegate approves på delegation.
    client.force_login(board_secretary)
    item = proposal.items.get()
    assert client.get(reverse("proposals:decide", args=[proposal.pk, item.pk])).status_code == 200
    client.force_login(delegate)
    year = timezone.localdate().year
    response = client.post(
        reverse("proposals:amounts", args=[proposal.pk]), {f"item_{item.pk}_{year}": "2 500 000"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.amount == 2_500_000
    client.post(reverse("proposals:approve", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    assert proposal.approved_on_delegation is not None
    page = _text(client.get(reverse("proposals:detail", args=[proposal.pk])))
    assert "på delegation" in page
    # A second approval (another tab) is refused and says who approved.
    response = client.post(reverse("proposals:approve", args=[proposal.pk]), follow=True)
    assert "redan godkänt" in _text(response)

    # A reduced grant whose years do not add up is refused, input kept; then recorded.
    client.force_login(board_secretary)
    url = reverse("proposals:decide", args=[proposal.pk, item.pk])
    data = {
        "meeting_date": timezone.localdate().isoformat(),
        "paragraph": "12",
        "board_reference": "KS 2026/77",
        "outcome": "granted_reduced",
        "amount": "2 000 000",
        f"amount_{year}": "1 900 000",
        "conditions": "Revidera budgeten.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    text = _text(response)
    assert "1 900 000" in text
    assert "KS 2026/77" in text
    assert not BoardDecision.objects.exists()
    response = client.post(url, data | {f"amount_{year}": "2 000 000"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=EntryKind.GRANT)
    assert entry.amount == 2_000_000
    assert fund.position().available == 10_000_000 - 2_000_000
    project = Project.objects.get()
    assert project.granted_amount == 2_000_000
    assert project.owner == recommended.owner

    client.force_login(applicant)
    page = _text(client.get(reverse("applications:detail", args=[recommended.pk])))
    assert "KS 2026/77" in page
    assert "Revidera budgeten." in page
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200


def test_the_start_pages_list_what_waits(client, submitted, fund_admin, council, city_director):
    assignment = assign(submitted, fund_admin, council[0])
    client.force_login(council[0])
    page = _text(client.get(reverse("start")))
    assert reverse("reviews:assignment", args=[assignment.pk]) in page
    declare(assignment)
    score(assignment)
    page = _text(client.get(reverse("start")))
    assert reverse("reviews:assignment", args=[assignment.pk]) not in page


def test_recommendation_page_after_scoring(client, submitted, fund_admin, council, meeting):
    assignment = assign(submitted, fund_admin, council[0])
    declare(assignment)
    score(assignment)
    recommend(submitted, fund_admin, meeting)
    client.force_login(fund_admin)
    assert client.get(reverse("applications:review", args=[submitted.pk])).status_code == 200

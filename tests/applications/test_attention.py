"""The start page as each role sees it: what waits for the person, what their cases wait for
and what comes next, also when nothing waits, and where to go from there."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from core.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _start(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("start"))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def test_an_applicant_whose_sketch_waits_for_the_council_is_told_so_with_its_date(
    client, sketch, applicant
):
    services.idea_sketch_submit(actor=applicant, sketch=sketch)
    sketch.refresh_from_db()
    page = _start(client, applicant)
    assert f"Din idéskiss väntar på rådets beslut: {sketch.title}" in page
    assert f"{sketch.registration}, inlämnad {timezone.localdate().isoformat()}" in page
    assert "Under handläggning" in page
    assert "Inget väntar på dig" not in page


def test_an_applicant_whose_application_is_under_review_is_told_what_comes_next(
    client, submitted, applicant
):
    page = _start(client, applicant)
    assert f"Din ansökan granskas; därefter kommer rådets rekommendation: {submitted.title}" in page
    assert f"{submitted.registration}, version 1 inlämnad" in page
    assert "Inget väntar på dig" not in page


def test_an_applicant_is_told_when_no_call_is_open(client, applicant):
    page = _start(client, applicant)
    assert "Ingen utlysning är öppen för idéskisser just nu" in page
    assert f'href="{reverse("calls:list")}"' in page


@pytest.mark.parametrize(
    ("role", "next_step", "link"),
    [
        (
            Role.COUNCIL_MEMBER,
            "När en handläggare utser dig att granska en ansökan får du e-post och den visas här",
            "reviews:list",
        ),
        (
            Role.SCIENTIFIC_REVIEWER,
            "När en handläggare utser dig att granska en ansökan får du e-post och den visas här",
            "reviews:list",
        ),
        (
            Role.BOARD_SECRETARY,
            "När stadsdirektören godkänner en utlysnings förslag till kommunstyrelsen",
            "proposals:list",
        ),
        (
            Role.CITY_DIRECTOR,
            "När fondens handläggare skickar dig en utlysnings förslag till kommunstyrelsen",
            "proposals:list",
        ),
    ],
)
def test_when_nothing_waits_the_start_page_says_what_comes_next(client, role, next_step, link):
    page = _start(client, factories.person(role))
    assert next_step in page
    assert f'href="{reverse(link)}"' in page


def test_the_auditor_is_pointed_to_everything_she_may_read(client, auditor):
    page = _start(client, auditor)
    for name in (
        "funds:list",
        "register",
        "sketches:list",
        "applications:list",
        "council:meetings",
        "proposals:list",
        "projects:list",
        "users:list",
    ):
        assert f'<a href="{reverse(name)}">' in page.split("</nav>", 1)[1], name
    assert "Börja i huvudboken, diariet eller ärendena nedan" in page

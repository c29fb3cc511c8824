"""The projects app's pages through the client: what each reader sees and may do, forms that
keep what was typed, refusals shown on the form, double-clicks that act once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Comment, EntryKind, LedgerEntry
from projects import services
from projects.models import ChangeRequest, ProgressReport, ProjectAssignment
from tests import factories
from tests.projects.conftest import NEXT, YEAR, pay

pytestmark = pytest.mark.django_db


def url(project, suffix=""):
    return f"/projects/{project.pk}/{suffix}"


def test_the_project_page_shows_people_conditions_money_and_plans(client, project, fund_admin):
    client.force_login(fund_admin)
    page = client.get(url(project)).content.decode()
    assert "Ej tillsatt" in page  # no project manager yet
    assert "Projektledare ska vara utsedd." in page
    assert 'id="money-table"' in page
    assert "Starta projektet" not in page  # the conditions are not met
    assert 'id="start-refusal"' in page
    assert "Kommunstyrelsens villkor" in page


def test_a_benefiting_organisation_reads_the_summary_only(client, project, social):
    person = factories.person("applicant", organisation=social)
    client.force_login(person)
    response = client.get(url(project))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="summary-savings"' in page
    assert 'id="money-table"' not in page
    assert client.get(url(project, "versions/compare/")).status_code == 404


def test_a_disbursement_above_what_is_left_keeps_what_was_typed(client, running, fund_admin):
    client.force_login(fund_admin)
    data = {
        "year": YEAR,
        "recipient": running.owner_id,
        "amount": "2 500 000",
        "value_date": timezone.localdate().isoformat(),
        "note": "Första utbetalningen",
        "idempotency_key": str(uuid.uuid4()),
    }
    response = client.post(url(running, "money/disburse/"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Första utbetalningen" in page
    assert "kvar" in page  # the refusal shows what is left
    assert not LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()


def test_a_double_click_on_pay_pays_once(client, running, fund_admin):
    client.force_login(fund_admin)
    data = {
        "year": YEAR,
        "recipient": running.owner_id,
        "amount": "500 000",
        "value_date": timezone.localdate().isoformat(),
        "idempotency_key": str(uuid.uuid4()),
    }
    first = client.post(url(running, "money/disburse/"), data)
    second = client.post(url(running, "money/disburse/"), data)
    assert first.status_code == second.status_code == 302
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


def test_the_project_manager_writes_and_submits_a_report(client, running, manager):
    services.progress_reports_create_due(today=dt.date(YEAR, 5, 1))
    report = ProgressReport.objects.get(project=running)
    client.force_login(manager)
    page = client.get(url(running, f"reports/{report.pk}/")).content.decode()
    assert "Skriv rapporten" in page
    data = {"narrative": "Vi har utbildat läsombud.", "deviations": "", "risks": ""}
    data |= {f"spend_{running.owner_id}": "100 000"}
    response = client.post(url(running, f"reports/{report.pk}/edit/"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        url(running, f"reports/{report.pk}/submit/"), {"idempotency_key": str(uuid.uuid4())}
    )
    assert response.status_code == 200  # the co-owner's spend is missing
    assert "Skarpnäcks stadsdelsnämnd" in response.content.decode()
    data[f"spend_{running.participants.get(role='co_owner').organisation_id}"] = "0"
    client.post(url(running, f"reports/{report.pk}/edit/"), data)
    response = client.post(
        url(running, f"reports/{report.pk}/submit/"), {"idempotency_key": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"


def test_someone_who_does_not_lead_the_project_cannot_write_its_report(client, running, applicant):
    services.progress_reports_create_due(today=dt.date(YEAR, 5, 1))
    report = ProgressReport.objects.get(project=running)
    client.force_login(applicant)  # the owner's staff, not the project manager
    assert client.get(url(running, f"reports/{report.pk}/")).status_code == 200
    assert client.get(url(running, f"reports/{report.pk}/edit/")).status_code == 403


def test_the_owners_staff_name_a_project_manager(client, project, applicant, manager):
    client.force_login(applicant)
    response = client.post(
        url(project, "people/"),
        {
            "role": "manager",
            "person": manager.pk,
            "organisation": project.owner_id,
            "valid_from": timezone.localdate().isoformat(),
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    assert ProjectAssignment.objects.get(project=project).person == manager
    page = client.get(url(project)).content.decode()
    assert "Maja Projektledare" in page


def test_the_owners_staff_cannot_name_the_evaluator(client, project, applicant, manager):
    client.force_login(applicant)
    response = client.post(
        url(project, "people/"),
        {
            "role": "evaluator",
            "person": manager.pk,
            "organisation": project.owner_id,
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200  # not offered: the form says so
    assert not ProjectAssignment.objects.exists()


def test_a_change_request_from_start_to_approval(
    client, running, manager, fund_admin, co_owner_org
):
    client.force_login(manager)
    response = client.post(
        url(running, "changes/new/change/"), {"idempotency_key": str(uuid.uuid4())}
    )
    change = ChangeRequest.objects.get()
    assert response["Location"].endswith(f"/changes/{change.pk}/edit/")
    form = client.get(response["Location"]).content.decode()
    assert 'name="budget-TOTAL_FORMS"' in form
    lines = list(change.budget.order_by("year", "recipient__name", "cost_type"))
    data = {
        "reason": "Flytta pengar till nästa år.",
        "ends_on": "",
        "scope": "",
        "budget-TOTAL_FORMS": str(len(lines)),
        "budget-INITIAL_FORMS": str(len(lines)),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
    }
    for i, line in enumerate(lines):
        amount = line.amount
        if line.year == YEAR and line.recipient_id == running.owner_id:
            amount -= 500_000
        if line.year == NEXT and line.recipient_id == running.owner_id:
            amount += 500_000
        data |= {
            f"budget-{i}-year": line.year,
            f"budget-{i}-recipient": line.recipient_id,
            f"budget-{i}-cost_type": line.cost_type,
            f"budget-{i}-amount": str(amount),
        }
    response = client.post(url(running, f"changes/{change.pk}/edit/"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(
        url(running, f"changes/{change.pk}/submit/"), {"idempotency_key": str(uuid.uuid4())}
    )
    client.force_login(fund_admin)
    page = client.get(url(running, f"changes/{change.pk}/")).content.decode()
    assert "diff-changed" in page
    response = client.post(url(running, f"changes/{change.pk}/approve/"), {"reason": ""})
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.current_version.number == 2
    compare = client.get(url(running, "versions/compare/")).content.decode()
    assert "diff-changed" in compare


def test_a_comment_in_the_projects_thread_and_its_withdrawal(client, project, co_owner_org):
    person = factories.person("applicant", organisation=co_owner_org, name="Cia Delägare")
    client.force_login(person)
    response = client.post(
        url(project, "comments/"),
        {"text": "Vi vill vara med i styrgruppen.", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.organisation == co_owner_org
    page = client.get(url(project)).content.decode()
    assert "Vi vill vara med i styrgruppen." in page
    assert "Cia Delägare" in page
    client.post(url(project, f"comments/{comment.pk}/withdraw/"))
    comment.refresh_from_db()
    assert comment.withdrawn
    assert "Vi vill vara med i styrgruppen." not in client.get(url(project)).content.decode()


def test_an_empty_comment_is_refused_with_the_form_again(client, project, applicant):
    client.force_login(applicant)
    response = client.post(url(project, "comments/"), {"text": "  "})
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_the_evaluation_from_phase_end_to_completion(client, running, fund_admin, social):
    pay(running, fund_admin, YEAR, running.owner, 1_000_000)
    services.project_phase_end(actor=fund_admin, project=running, today=dt.date(NEXT + 1, 1, 2))
    client.force_login(fund_admin)
    page = client.get(url(running, "evaluation/")).content.decode()
    assert "Skriv utvärderingen" in page
    data = {
        "design": "before_after",
        "results": "Färre placeringar.",
        "economic_effects": "yes",
        "savings-TOTAL_FORMS": "1",
        "savings-INITIAL_FORMS": "0",
        "savings-MIN_NUM_FORMS": "0",
        "savings-MAX_NUM_FORMS": "1000",
        "savings-0-organisation": social.pk,
        "savings-0-year": NEXT + 1,
        "savings-0-amount": "700 000",
        "savings-0-evidence": "Registerdata",
    }
    response = client.post(url(running, "evaluation/edit/"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        url(running, "evaluation/complete/"), {"idempotency_key": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.state == "evaluated"
    member = factories.person("applicant", organisation=social)
    client.force_login(member)
    page = client.get(url(running, "evaluation/")).content.decode()
    assert "700" in page
    response = client.post(
        url(running, "evaluation/comments/"),
        {"text": "Siffran stämmer.", "about": social.pk, "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    assert Comment.objects.get().about == social


def test_a_report_attachment_is_checked_and_downloaded(client, running, manager):
    services.progress_reports_create_due(today=dt.date(YEAR, 5, 1))
    report = ProgressReport.objects.get(project=running)
    client.force_login(manager)
    response = client.post(
        url(running, f"reports/{report.pk}/attachments/add/"),
        {"title": "Bilaga", "file": SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    assert response.status_code == 302
    attachment = report.attachments.get()
    download = client.get(url(running, f"reports/{report.pk}/attachments/{attachment.pk}/"))
    assert download.status_code == 200

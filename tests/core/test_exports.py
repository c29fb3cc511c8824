"""Lists as files (``core.exports``): CSV with a byte-order mark and a choice of separator,
XLSX with numbers and dates as such and the header frozen; exactly the rows the person sees on
the list with the same filters; a cell a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from applications.models import CriterionScore
from core import services
from core.exports import neutralise
from core.models import EntryKind, LedgerEntry, Role
from tests import factories
from tests.applications import conftest as cases

open_call = cases.open_call
co_owner_org = cases.co_owner_org
nonprofit = cases.nonprofit
council = cases.council
meeting = cases.meeting

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://example.invalid","Klicka")'


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    delimiter = ";" if response.wsgi_request.GET.get("export") == "csv-semikolon" else ","
    return list(csv.reader(io.StringIO(content[1:]), delimiter=delimiter))


def _sheet(response) -> str:
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return book.read("xl/worksheets/sheet1.xml").decode()


def test_neutralise_marks_what_a_spreadsheet_would_run():
    for text in ("=1+1", "+46 8 508 00", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    for text in ("Läsfrämjande", "SIF 2026/0001", "", "1 000"):
        assert neutralise(text) == text


def test_the_ledger_as_csv_and_xlsx_with_the_lists_filter(client, fund, fund_admin):
    for amount in (1_000_000, 2_500_000):
        cases.inject(fund, fund_admin, amount)
    services.ledger_entry_record(
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.FUND_EXPENSE,
        amount=123_457,
        value_date=timezone.localdate(),
        by_hand=True,
        note=HOSTILE,
    )
    client.force_login(fund_admin)
    url = reverse("funds:detail", args=[fund.pk])
    rows = _csv(client.get(url, {"export": "csv-semikolon"}))
    assert rows[0][:3] == ["Valutadag", "Typ", "Belopp"]
    assert len(rows) == 1 + LedgerEntry.objects.filter(fund=fund).count() == 4
    assert sorted(int(row[2]) for row in rows[1:]) == [123_457, 1_000_000, 2_500_000]
    assert [row[7] for row in rows[1:] if row[7]] == ["'" + HOSTILE]
    # The list's filter: only the injections.
    rows = _csv(client.get(url, {"kind": EntryKind.INJECTION, "export": "csv"}))
    assert {row[1] for row in rows[1:]} == {"Avsättning"}
    assert len(rows) == 3
    # XLSX: amounts and dates are numbers, the header row is frozen, no formula anywhere.
    sheet = _sheet(client.get(url, {"export": "xlsx"}))
    assert '<pane ySplit="1"' in sheet
    assert "<v>2500000</v>" in sheet
    assert "<f>" not in sheet
    assert "'=HYPERLINK(" in sheet.replace("&quot;", '"')


def test_an_applicants_export_holds_only_the_cases_they_may_see(
    client, open_call, fund_admin, meeting, applicant, organisation
):
    other_org = factories.OrganisationFactory(name="Kulturnämnden")
    other = factories.person(Role.APPLICANT, organisation=other_org)
    mine = cases.application_in(
        open_call, applicant, organisation, fund_admin, meeting, title=HOSTILE
    )
    theirs = cases.application_in(
        open_call, other, other_org, fund_admin, meeting, title="Kulturskola för alla"
    )
    client.force_login(applicant)
    rows = _csv(client.get(reverse("applications:list"), {"export": "csv"}))
    assert [row[0] for row in rows[1:]] == [str(mine.registration)]
    assert rows[1][1] == "'" + HOSTILE
    sheet = _sheet(client.get(reverse("applications:list"), {"export": "xlsx"}))
    assert theirs.title not in sheet
    assert "<f>" not in sheet
    # Those who read everything export both, with the list's search.
    client.force_login(fund_admin)
    rows = _csv(client.get(reverse("applications:list"), {"q": "Kultur", "export": "csv"}))
    assert [row[1] for row in rows[1:]] == ["Kulturskola för alla"]
    assert re.fullmatch(r"\d+", rows[1][4])


def test_the_register_and_the_project_list_export_what_the_list_shows(client, fund, auditor):
    client.force_login(auditor)
    rows = _csv(client.get(reverse("register"), {"export": "csv"}))
    assert rows[0] == ["Datum", "Diarienummer", "Motpart", "Ärendemening", "Fond"]
    rows = _csv(client.get(reverse("projects:list"), {"export": "csv"}))
    assert rows[0][0] == "Diarienummer"
    assert len(rows) == 1  # no project yet: the header alone


def test_the_lists_link_to_their_files(client, fund, fund_admin):
    cases.inject(fund, fund_admin, 1_000_000)
    client.force_login(fund_admin)
    page = client.get(reverse("funds:detail", args=[fund.pk]), {"kind": "injection"}).text
    assert "?kind=injection&amp;export=xlsx" in page
    assert "export=csv-semikolon" in page


def test_the_idea_sketch_list_as_a_file_with_its_filter(
    client, open_call, fund_admin, meeting, applicant, organisation
):
    cases.application_in(
        open_call, applicant, organisation, fund_admin, meeting, title="Läsfrämjande i Farsta"
    )
    client.force_login(applicant)
    rows = _csv(client.get(reverse("sketches:list"), {"export": "csv"}))
    assert rows[0] == ["Diarienummer", "Titel", "Huvudägare", "Utlysning", "Inlämnad", "Status"]
    assert [row[1] for row in rows[1:]] == ["Läsfrämjande i Farsta"]
    rows = _csv(client.get(reverse("sketches:list"), {"q": "Simskola", "export": "csv"}))
    assert len(rows) == 1


submitted = cases.submitted
complete_application = cases.complete_application
sketch = cases.sketch
applicable_sketch = cases.applicable_sketch
application = cases.application


def test_the_scores_as_a_file_hold_what_the_reader_may_see(
    client, submitted, fund_admin, council, applicant
):
    first, second = council[0], council[1]
    for member in (first, second):
        assignment = cases.assign(submitted, fund_admin, member)
        cases.declare(assignment)
        if member is first:
            cases.score(assignment)
    url = reverse("applications:review", args=[submitted.pk])
    # The second member has not scored: the others' scores are not theirs to see yet.
    client.force_login(second)
    rows = _csv(client.get(url, {"export": "csv"}))
    assert rows[0][:4] == [
        "Version",
        "Ledamot i rådet för sociala investeringar",
        "Kriterium",
        "Poäng",
    ]
    assert len(rows) == 1
    # Those who read everything see every criterion of every score, names included.
    client.force_login(fund_admin)
    rows = _csv(client.get(url, {"export": "csv"}))
    criteria = len(rows) - 1
    assert criteria == CriterionScore.objects.filter(score__assignment__reviewer=first).count()
    assert criteria > 0
    assert {row[1] for row in rows[1:]} == {first.full_name}
    # An applicant never reaches the review, nor its file.
    client.force_login(applicant)
    assert client.get(url, {"export": "csv"}).status_code == 404

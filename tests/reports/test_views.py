"""The reports pages: asking (a bad value date comes back on the form in Swedish with what was
typed; five clicks make one job), following a job (its state, the broker's absence said plainly,
polling only while unfinished), downloading (only one's own, only when done)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import JobState, ReportJob, ReportKind

pytestmark = pytest.mark.django_db


def _post(client, fund, day, key=None):
    return client.post(
        "/reports/",
        {
            "fund": fund.pk,
            "value_date": day,
            "idempotency_key": key or str(uuid.uuid4()),
        },
    )


def test_a_value_date_in_the_future_comes_back_on_the_form_with_what_was_typed(
    client, fund, city_director
):
    client.force_login(city_director)
    tomorrow = f"{timezone.localdate() + dt.timedelta(days=1):%Y-%m-%d}"
    response = _post(client, fund, tomorrow)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dagen kan inte ligga efter i dag" in page
    assert f'value="{tomorrow}"' in page
    assert not ReportJob.objects.exists()
    response = _post(client, fund, "31/12/2025")
    assert "Ange datum som ÅÅÅÅ-MM-DD" in response.content.decode()


def test_five_clicks_make_one_job(client, fund, city_director):
    client.force_login(city_director)
    today = f"{timezone.localdate():%Y-%m-%d}"
    key = str(uuid.uuid4())
    same_form = [_post(client, fund, today, key) for _ in range(5)]
    assert ReportJob.objects.count() == 1
    job = ReportJob.objects.get()
    assert {r["Location"] for r in same_form} == {f"/reports/{job.pk}/"}
    # Five forms (five tabs): still the one unfinished job, and the person is told.
    again = _post(client, fund, today)
    assert again["Location"] == f"/reports/{job.pk}/"
    assert ReportJob.objects.count() == 1
    page = client.get(again["Location"]).content.decode()
    assert "Du har redan beställt den här rapporten" in page


def _job(requester, fund, **fields) -> ReportJob:
    return ReportJob.objects.create(
        kind=ReportKind.PORTFOLIO,
        fund=fund,
        value_date=timezone.localdate(),
        requester=requester,
        **fields,
    )


def test_the_job_page_says_what_is_happening_and_polls_only_until_it_is_finished(
    client, fund, city_director
):
    client.force_login(city_director)
    waiting = _job(city_director, fund, send_attempts=1)
    page = client.get(f"/reports/{waiting.pk}/").content.decode()
    assert "Väntar på kön." in page
    assert 'hx-trigger="every 2s"' in page
    running = _job(city_director, fund, state=JobState.RUNNING, stage="layout", progress=30)
    status = client.get(f"/reports/{running.pk}/status/").content.decode()
    assert "Tas fram:" in status
    assert "sätter sidorna" in status
    assert 'value="30"' in status
    assert 'hx-trigger="every 2s"' in status
    failed = _job(city_director, fund, state=JobState.FAILED, error="Rapporten avbröts 3 gånger")
    page = client.get(f"/reports/{failed.pk}/").content.decode()
    assert "Rapporten avbröts 3 gånger" in page
    assert "Försök igen" in page
    assert "hx-trigger" not in page
    listing = client.get("/reports/").content.decode()
    assert listing.count("/reports/") >= 3
    assert "(väntar på kön)" in listing


def test_a_report_is_downloaded_only_by_its_requester_and_only_when_done(
    client, fund, city_director, auditor, fund_admin
):
    job = _job(city_director, fund, state=JobState.DONE, pages=1)
    job.file.save(job.file_name, ContentFile(b"%PDF-1.7\n%%EOF\n"))
    client.force_login(city_director)
    response = client.get(f"/reports/{job.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        f'filename="portfolio-{job.value_date:%Y-%m-%d}-{job.pk}.pdf"'
        in (response["Content-Disposition"])
    )
    for other in (auditor, fund_admin):  # they may read everything, but it is not theirs
        client.force_login(other)
        assert client.get(f"/reports/{job.pk}/download/").status_code == 404
        assert client.get(f"/reports/{job.pk}/").status_code == 404
    client.force_login(city_director)
    unfinished = _job(city_director, fund, state=JobState.RUNNING)
    assert client.get(f"/reports/{unfinished.pk}/download/").status_code == 404


def test_trying_again_requeues_a_failed_job_and_explains_a_refusal(
    client, fund, city_director, django_capture_on_commit_callbacks, monkeypatch
):
    from reports.services import jobs

    sent = []
    monkeypatch.setattr(jobs, "report_job_send", lambda pk: sent.append(pk) or True)
    client.force_login(city_director)
    failed = _job(city_director, fund, state=JobState.FAILED, error="x")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{failed.pk}/retry/", follow=True)
    assert "Rapporten har ställts i kö igen." in response.content.decode()
    assert sent == [failed.pk]
    response = client.post(f"/reports/{failed.pk}/retry/", follow=True)
    assert "Bara en rapport som misslyckats kan försökas igen." in response.content.decode()


def test_the_reports_list_asks_the_same_queries_for_n_and_10n_reports(
    client, fund, city_director, assert_same_at_n_and_10n
):
    client.force_login(city_director)

    def grow(count):
        for number in range(count):
            _job(city_director, fund, state=JobState.DONE if number % 2 else JobState.QUEUED)

    assert_same_at_n_and_10n(client, "/reports/", grow)


def test_the_start_page_tells_of_reports_ready_today_and_failed_lately(
    client, fund, city_director, fund_admin
):
    now = timezone.now()
    _job(city_director, fund, state=JobState.DONE, finished_at=now)
    _job(city_director, fund, state=JobState.DONE, finished_at=now - dt.timedelta(days=3))
    _job(city_director, fund, state=JobState.FAILED, finished_at=now - dt.timedelta(days=2))
    client.force_login(city_director)
    page = client.get("/").content.decode()
    assert "1 rapport klar att hämta" in page
    assert "1 av dina rapporter misslyckades" in page
    client.force_login(fund_admin)  # not theirs
    page = client.get("/").content.decode()
    assert "klar att hämta" not in page
    assert "misslyckades" not in page


def test_polling_answers_nothing_until_something_changed_and_speaks_only_of_new_states(
    client, fund, city_director
):
    client.force_login(city_director)
    job = _job(city_director, fund, state=JobState.RUNNING, stage="reading", progress=5)
    url = f"/reports/{job.pk}/status/"
    page = client.get(f"/reports/{job.pk}/").content.decode()
    seen, heard = "running.reading.0.5", "running.reading.0"
    assert f"?seen={seen}&amp;heard={heard}" in page
    assert client.get(url, {"seen": seen, "heard": heard}).status_code == 204
    ReportJob.objects.filter(pk=job.pk).update(progress=20)  # the bar moves, the words stay
    moved = client.get(url, {"seen": seen, "heard": heard}).content.decode()
    assert 'value="20"' in moved
    assert "hx-swap-oob" not in moved
    ReportJob.objects.filter(pk=job.pk).update(stage="layout", progress=30)
    stepped = client.get(url, {"seen": "running.reading.0.20", "heard": heard}).content.decode()
    assert 'id="report-live" hx-swap-oob="innerHTML"' in stepped
    assert "sätter sidorna" in stepped


def test_polling_does_not_keep_the_session_alive(client, fund, city_director):
    from core.middleware import SESSION_REFRESHED_KEY

    client.force_login(city_director)
    job = _job(city_director, fund)
    session = client.session
    session[SESSION_REFRESHED_KEY] = int(timezone.now().timestamp()) - 600
    session.save()
    before = client.session[SESSION_REFRESHED_KEY]
    client.get(f"/reports/{job.pk}/status/", headers={"X-Background-Poll": "1"})
    assert client.session[SESSION_REFRESHED_KEY] == before
    client.get(f"/reports/{job.pk}/status/")  # the person's own request renews it
    assert client.session[SESSION_REFRESHED_KEY] > before


def test_a_report_whose_file_is_gone_is_not_found_rather_than_an_error(client, fund, city_director):
    job = _job(city_director, fund, state=JobState.DONE, pages=1)
    job.file.save(job.file_name, ContentFile(b"%PDF-1.7\n%%EOF\n"))
    job.file.storage.delete(job.file.name)
    client.force_login(city_director)
    assert client.get(f"/reports/{job.pk}/download/").status_code == 404

"""Calls (utlysningar): the rules of the services, the pages, and the guidance documents."""

import datetime as dt
import io
import re
import uuid
import zipfile
from pathlib import Path

import puremagic
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation

from applications import services, states
from applications.models import CALL_FIELDS, Call, CallDocument, CallState, DecisionRoute
from core.errors import DomainError
from core.events import describe
from core.files import safe_name, store_upload
from core.http import file_download
from core.models import Event, Fund

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
EXE = b"MZ\x90\x00" + b"\x00" * 1020
MB = 1024 * 1024


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def noon(day: dt.date) -> dt.datetime:
    """Midday of ``day`` in Swedish time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(tmp_path):
    root = tmp_path / "media"
    with override_settings(MEDIA_ROOT=str(root)):
        yield root


@pytest.fixture
def fund(db):
    return Fund.objects.create(
        name="Sociala investeringsfonden", registration_series="SIF", started_on=dt.date(2020, 1, 1)
    )


@pytest.fixture
def other_fund(db):
    return Fund.objects.create(
        name="Andra fonden", registration_series="AF", started_on=dt.date(2020, 1, 1)
    )


@pytest.fixture
def make_call(fund_admin, fund, today):
    def make(**overrides):
        fields = {
            "fund": fund,
            "title": "Utlysning 2027",
            "description": "Insatser för unga i ytterstaden.",
            "idea_sketch_deadline": today + dt.timedelta(days=30),
            "application_deadline": today + dt.timedelta(days=90),
            "indicative_budget": 40_000_000,
            "decision_route": DecisionRoute.OWN_PROPOSAL,
        } | overrides
        return services.call_create(actor=fund_admin, **fields)

    return make


@pytest.fixture
def call_in(make_call, fund_admin):
    """A call brought to ``state`` through the services."""

    def make(state: str, **overrides) -> Call:
        call = make_call(**overrides)
        if state == CallState.DRAFT:
            return call
        if state == CallState.CANCELLED:
            return services.call_cancel(actor=fund_admin, call=call, reason="Budgeten drogs in.")
        call = services.call_publish(actor=fund_admin, call=call)
        if state == CallState.DECIDED:
            after = noon(call.application_deadline + dt.timedelta(days=1))
            call = services.call_decide(actor=fund_admin, call=call, at=after)
        assert call.state == state
        return call

    return make


def fields_of(call: Call, **overrides) -> dict:
    return {name: getattr(call, name) for name in CALL_FIELDS} | overrides


def assert_refused(action, call: Call) -> DomainError:
    """``action`` raises DomainError and leaves the call and the activity log as they were."""
    before = Call.objects.values().get(pk=call.pk)
    events = Event.objects.count()
    documents = CallDocument.objects.count()
    with pytest.raises(DomainError) as raised:
        action()
    assert Call.objects.values().get(pk=call.pk) == before
    assert Event.objects.count() == events
    assert CallDocument.objects.count() == documents
    return raised.value


# --- Services: transitions ---------------------------------------------------------------------


def test_the_transition_table():
    expected = {
        CallState.DRAFT: {CallState.PUBLISHED, CallState.CANCELLED},
        CallState.PUBLISHED: {CallState.DECIDED, CallState.CANCELLED},
        CallState.DECIDED: set(),
        CallState.CANCELLED: set(),
    }
    assert states.CALL.table == expected


def test_create_makes_a_draft_and_logs_it(make_call, fund_admin):
    call = make_call()
    assert call.state == CallState.DRAFT
    assert call.created_by == fund_admin
    assert call.published_at is None
    (event,) = Event.objects.for_target(call)
    assert (event.action, event.to_state, event.actor) == ("call.created", "draft", fund_admin)


def test_draft_to_published(make_call, fund_admin):
    call = services.call_publish(actor=fund_admin, call=make_call())
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED
    assert call.published_at is not None
    event = Event.objects.for_target(call).first()
    assert (event.action, event.from_state, event.to_state) == (
        "call.published",
        "draft",
        "published",
    )


def test_draft_to_cancelled_keeps_the_reason(make_call, fund_admin):
    call = services.call_cancel(actor=fund_admin, call=make_call(), reason="  Fel fond.  ")
    call.refresh_from_db()
    assert call.state == CallState.CANCELLED
    assert call.cancelled_at is not None
    assert call.cancel_reason == "Fel fond."
    event = Event.objects.for_target(call).first()
    assert (event.action, event.from_state, event.to_state, event.comment) == (
        "call.cancelled",
        "draft",
        "cancelled",
        "Fel fond.",
    )


def test_published_to_decided_after_the_application_deadline(call_in, fund_admin):
    call = call_in(CallState.PUBLISHED)
    day_after = noon(call.application_deadline + dt.timedelta(days=1))
    services.call_decide(actor=fund_admin, call=call, at=day_after)
    call.refresh_from_db()
    assert call.state == CallState.DECIDED
    assert call.decided_at == day_after
    event = Event.objects.for_target(call).first()
    assert (event.action, event.from_state, event.to_state) == (
        "call.decided",
        "published",
        "decided",
    )


def test_published_to_cancelled(call_in, fund_admin):
    call = call_in(CallState.PUBLISHED)
    services.call_cancel(actor=fund_admin, call=call, reason="Nämnden drog in medlen.")
    call.refresh_from_db()
    assert call.state == CallState.CANCELLED
    assert call.cancel_reason == "Nämnden drog in medlen."
    assert Event.objects.for_target(call).first().from_state == "published"


FAR_FUTURE = noon(dt.date(2099, 1, 1))

ACTIONS = {
    "publish": lambda actor, call: services.call_publish(actor=actor, call=call),
    "decide": lambda actor, call: services.call_decide(actor=actor, call=call, at=FAR_FUTURE),
    "cancel": lambda actor, call: services.call_cancel(actor=actor, call=call, reason="Skäl."),
}


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (CallState.DRAFT, "decide"),
        (CallState.PUBLISHED, "publish"),
        (CallState.DECIDED, "publish"),
        (CallState.DECIDED, "decide"),
        (CallState.DECIDED, "cancel"),
        (CallState.CANCELLED, "publish"),
        (CallState.CANCELLED, "decide"),
        (CallState.CANCELLED, "cancel"),
    ],
)
def test_refused_transitions_change_nothing(call_in, fund_admin, state, action):
    call = call_in(state)
    error = assert_refused(lambda: ACTIONS[action](fund_admin, call), call)
    assert error.code == "transition"
    call.refresh_from_db()
    assert call.state == state


def test_publishing_twice_is_refused(make_call, fund_admin):
    call = make_call()
    services.call_publish(actor=fund_admin, call=call)
    first = Call.objects.get(pk=call.pk).published_at
    assert_refused(lambda: services.call_publish(actor=fund_admin, call=call), call)
    assert Call.objects.get(pk=call.pk).published_at == first


def test_deciding_while_applications_are_open_is_refused(call_in, fund_admin):
    call = call_in(CallState.PUBLISHED)
    for day in (timezone.localdate(), call.idea_sketch_deadline, call.application_deadline):
        error = assert_refused(
            lambda day=day: services.call_decide(actor=fund_admin, call=call, at=noon(day)), call
        )
        assert error.code == "still_open"
    assert Call.objects.get(pk=call.pk).state == CallState.PUBLISHED


def test_publishing_after_the_sketch_deadline_is_refused(make_call, fund_admin, today):
    call = make_call(
        idea_sketch_deadline=today - dt.timedelta(days=1),
        application_deadline=today + dt.timedelta(days=30),
    )
    error = assert_refused(lambda: services.call_publish(actor=fund_admin, call=call), call)
    assert error.code == "deadline_passed"
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT


def test_publishing_on_the_sketch_deadline_day_is_allowed(make_call, fund_admin, today):
    call = make_call(idea_sketch_deadline=today, application_deadline=today + dt.timedelta(days=5))
    late_evening = timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59)))
    services.call_publish(actor=fund_admin, call=call, at=late_evening)
    assert Call.objects.get(pk=call.pk).state == CallState.PUBLISHED


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
@pytest.mark.parametrize("state", [CallState.DRAFT, CallState.PUBLISHED])
def test_cancelling_without_a_reason_is_refused(call_in, fund_admin, state, reason):
    call = call_in(state)
    error = assert_refused(
        lambda: services.call_cancel(actor=fund_admin, call=call, reason=reason), call
    )
    assert error.field == "reason"


# --- Services: fields and editing -------------------------------------------------------------


@pytest.mark.parametrize("gap", [0, -1, -30])
def test_deadlines_out_of_order_are_refused_on_create(make_call, today, gap):
    sketch = today + dt.timedelta(days=30)
    with pytest.raises(DomainError) as raised:
        make_call(idea_sketch_deadline=sketch, application_deadline=sketch + dt.timedelta(gap))
    assert raised.value.field == "application_deadline"
    assert not Call.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   "}, "title"),
        ({"indicative_budget": -1}, "indicative_budget"),
        ({"indicative_budget": None}, "indicative_budget"),
        (
            {
                "idea_sketch_deadline": dt.date(2019, 12, 31),
                "application_deadline": dt.date(2020, 3, 1),
            },
            "idea_sketch_deadline",
        ),
    ],
)
def test_other_refused_fields_on_create(make_call, overrides, field):
    with pytest.raises(DomainError) as raised:
        make_call(**overrides)
    assert raised.value.field == field
    assert not Call.objects.exists()


@pytest.mark.parametrize("state", [CallState.DRAFT, CallState.PUBLISHED])
def test_deadlines_out_of_order_are_refused_on_update(call_in, fund_admin, state):
    call = call_in(state)
    later = call.application_deadline + dt.timedelta(days=10)
    error = assert_refused(
        lambda: services.call_update(
            actor=fund_admin,
            call=call,
            **fields_of(call, idea_sketch_deadline=later, application_deadline=later),
        ),
        call,
    )
    assert error.field == "application_deadline"


def test_a_draft_changes_freely(make_call, fund_admin, other_fund, today):
    call = make_call()
    services.call_update(
        actor=fund_admin,
        call=call,
        **fields_of(
            call,
            fund=other_fund,
            idea_sketch_deadline=today + dt.timedelta(days=1),
            application_deadline=today + dt.timedelta(days=2),
            indicative_budget=0,
            decision_route=DecisionRoute.FOUR_MONTH_REPORT,
        ),
    )
    call.refresh_from_db()
    assert call.fund == other_fund
    assert call.idea_sketch_deadline == today + dt.timedelta(days=1)
    assert call.indicative_budget == 0
    assert call.decision_route == DecisionRoute.FOUR_MONTH_REPORT
    assert Event.objects.for_target(call).first().action == "call.updated"


def test_the_log_names_the_changed_fields_in_the_readers_language(make_call, fund_admin):
    """Changed in Swedish, read in English: the labels are looked up when the log is read."""
    call = make_call()
    with translation.override("sv"):
        services.call_update(
            actor=fund_admin,
            call=call,
            **fields_of(call, indicative_budget=1, decision_route=DecisionRoute.FOUR_MONTH_REPORT),
        )
    event = Event.objects.for_target(call).first()
    with translation.override("en"):
        assert describe(event) == (
            "Call details changed: indicative budget (kr); how the board decides"
        )
    with translation.override("sv"):
        assert describe(event) == (
            "Utlysningens uppgifter ändrades: preliminär budget (kr); hur kommunstyrelsen beslutar"
        )


def test_saving_without_changes_logs_nothing(make_call, fund_admin):
    call = make_call()
    events = Event.objects.count()
    services.call_update(actor=fund_admin, call=call, **fields_of(call))
    assert Event.objects.count() == events


def test_a_published_call_deadlines_move_later(call_in, fund_admin):
    call = call_in(CallState.PUBLISHED)
    sketch = call.idea_sketch_deadline + dt.timedelta(days=7)
    application = call.application_deadline + dt.timedelta(days=14)
    services.call_update(
        actor=fund_admin,
        call=call,
        **fields_of(call, idea_sketch_deadline=sketch, application_deadline=application),
    )
    call.refresh_from_db()
    assert (call.idea_sketch_deadline, call.application_deadline) == (sketch, application)
    assert call.state == CallState.PUBLISHED
    assert Event.objects.for_target(call).first().action == "call.updated"


@pytest.mark.parametrize("name", ["idea_sketch_deadline", "application_deadline"])
def test_a_published_call_deadlines_do_not_move_earlier(call_in, fund_admin, name):
    call = call_in(CallState.PUBLISHED)
    earlier = getattr(call, name) - dt.timedelta(days=1)
    error = assert_refused(
        lambda: services.call_update(
            actor=fund_admin, call=call, **fields_of(call, **{name: earlier})
        ),
        call,
    )
    assert error.field == name


def test_a_published_call_keeps_its_fund(call_in, fund_admin, other_fund):
    call = call_in(CallState.PUBLISHED)
    error = assert_refused(
        lambda: services.call_update(
            actor=fund_admin, call=call, **fields_of(call, fund=other_fund)
        ),
        call,
    )
    assert error.field == "fund"


@pytest.mark.parametrize("state", [CallState.DECIDED, CallState.CANCELLED])
def test_decided_and_cancelled_calls_cannot_be_edited(call_in, fund_admin, state):
    call = call_in(state)
    error = assert_refused(
        lambda: services.call_update(actor=fund_admin, call=call, **fields_of(call, title="Ny")),
        call,
    )
    assert error.code == "not_editable"
    error = assert_refused(
        lambda: services.call_document_add(
            actor=fund_admin,
            call=call,
            title="Sen bilaga",
            uploaded=SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf"),
        ),
        call,
    )
    assert error.code == "not_editable"


# --- Services: open for sketches and applications ----------------------------------------------


def test_deadlines_are_inclusive_days(call_in):
    call = call_in(CallState.PUBLISHED)
    sketch, application = call.idea_sketch_deadline, call.application_deadline
    day = dt.timedelta(days=1)
    assert call.sketches_open(sketch - day)
    assert call.sketches_open(sketch)
    assert not call.sketches_open(sketch + day)
    assert call.applications_open(sketch + day)
    assert call.applications_open(application)
    assert not call.applications_open(application + day)
    assert call.sketches_open()  # today, before the deadline
    assert call.applications_open()


@pytest.mark.parametrize("state", [CallState.DRAFT, CallState.DECIDED, CallState.CANCELLED])
def test_only_a_published_call_is_open(call_in, state, today):
    call = call_in(state)
    assert not call.sketches_open(today)
    assert not call.applications_open(today)


def test_sketch_deadline_today_is_still_open_today(make_call, fund_admin, today):
    call = make_call(idea_sketch_deadline=today, application_deadline=today + dt.timedelta(days=1))
    call = services.call_publish(actor=fund_admin, call=call)
    assert call.sketches_open()
    assert not call.sketches_open(today + dt.timedelta(days=1))
    assert call.applications_open(today + dt.timedelta(days=1))


# --- Pages -------------------------------------------------------------------------------------


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


def call_data(fund, today, **overrides) -> dict:
    return {
        "fund": str(fund.pk),
        "title": "Trygga skolvägar",
        "description": "Insatser för tryggare skolvägar.",
        "idea_sketch_deadline": (today + dt.timedelta(days=30)).isoformat(),
        "application_deadline": (today + dt.timedelta(days=90)).isoformat(),
        "indicative_budget": "40 000 000",
        "decision_route": DecisionRoute.OWN_PROPOSAL,
        "idempotency_key": str(uuid.uuid4()),
    } | overrides


@pytest.mark.parametrize(
    "typed", ["40 000 000", "40\u00a0000\u00a0000", "40000000", " 40 000 000 kr "]
)
def test_admin_creates_a_call_with_a_grouped_budget(admin_client, fund, today, typed):
    response = admin_client.post("/calls/new/", call_data(fund, today, indicative_budget=typed))
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/"
    assert call.indicative_budget == 40_000_000
    assert call.state == CallState.DRAFT
    assert call.title == "Trygga skolvägar"
    page = admin_client.get(f"/calls/{call.pk}/")
    assert page.status_code == 200
    assert "40\u00a0000\u00a0000\u00a0kr" in page.content.decode()


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1,5", "invalid"),
        ("1.5", "invalid"),
        ("1e9", "invalid"),
        ("abc", "invalid"),
        ("١٢٣", "invalid"),
        ("4 00 000", "invalid"),
        ("-5", "min_value"),
        ("", "required"),
    ],
)
def test_bad_budgets_are_refused_on_the_field(admin_client, fund, today, typed, code):
    response = admin_client.post("/calls/new/", call_data(fund, today, indicative_budget=typed))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert list(errors) == ["indicative_budget"]
    assert [error.code for error in errors["indicative_budget"]] == [code]
    message = response.context["form"].errors["indicative_budget"][0]
    assert message in text_of(response)
    assert not Call.objects.exists()
    assert not Event.objects.exists()


def test_the_required_message_is_swedish(admin_client, fund, today):
    response = admin_client.post("/calls/new/", call_data(fund, today, indicative_budget=""))
    assert response.context["form"].errors["indicative_budget"] == ["Detta fält måste fyllas i."]


def test_deadlines_out_of_order_keep_what_was_typed(admin_client, fund, today):
    data = call_data(
        fund,
        today,
        title="Min utlysning",
        idea_sketch_deadline="2031-05-01",
        application_deadline="2031-04-01",
        indicative_budget="12 500 000",
    )
    response = admin_client.post("/calls/new/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["application_deadline"]
    html = response.content.decode()
    assert 'value="2031-05-01"' in html
    assert 'value="2031-04-01"' in html
    assert 'value="Min utlysning"' in html
    assert 'value="12 500 000"' in html
    assert not Call.objects.exists()


def test_double_post_of_the_create_form_makes_one_call(admin_client, fund, today):
    data = call_data(fund, today)
    first = admin_client.post("/calls/new/", data)
    second = admin_client.post("/calls/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Call.objects.count() == 1
    assert Event.objects.filter(action="call.created").count() == 1


def test_a_refused_create_uses_up_no_key(admin_client, fund, today):
    data = call_data(fund, today, indicative_budget="1e9")
    assert admin_client.post("/calls/new/", data).status_code == 200
    data["indicative_budget"] = "1 000 000 000"
    assert admin_client.post("/calls/new/", data).status_code == 302
    assert Call.objects.get().indicative_budget == 1_000_000_000


def test_publish_by_post(admin_client, make_call):
    call = make_call()
    assert admin_client.get(f"/calls/{call.pk}/publish/").status_code == 405
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT
    response = admin_client.post(f"/calls/{call.pk}/publish/")
    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/"
    assert Call.objects.get(pk=call.pk).state == CallState.PUBLISHED


def test_a_refused_publish_says_why_and_changes_nothing(admin_client, make_call, today):
    call = make_call(
        idea_sketch_deadline=today - dt.timedelta(days=2),
        application_deadline=today + dt.timedelta(days=2),
    )
    response = admin_client.post(f"/calls/{call.pk}/publish/", follow=True)
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1
    assert (today - dt.timedelta(days=2)).isoformat() in shown[0]
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT


def test_deciding_too_early_by_post_says_why_and_changes_nothing(admin_client, call_in):
    call = call_in(CallState.PUBLISHED)
    response = admin_client.post(f"/calls/{call.pk}/decide/", follow=True)
    assert response.redirect_chain == [(f"/calls/{call.pk}/", 302)]
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1
    assert call.application_deadline.isoformat() in shown[0]
    assert Call.objects.get(pk=call.pk).state == CallState.PUBLISHED
    assert admin_client.get(f"/calls/{call.pk}/decide/").status_code == 405


def test_the_edit_form_shows_the_saved_values(admin_client, make_call):
    call = make_call(indicative_budget=12_500_000)
    response = admin_client.get(f"/calls/{call.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{call.idea_sketch_deadline.isoformat()}"' in html
    assert 'value="12\u00a0500\u00a0000"' in html
    assert 'value="Utlysning 2027"' in html


def test_cancel_by_the_form(admin_client, make_call):
    call = make_call()
    assert admin_client.post(f"/calls/{call.pk}/cancel/", {"reason": ""}).status_code == 200
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT
    response = admin_client.post(f"/calls/{call.pk}/cancel/", {"reason": "Fel fond vald."})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.state, call.cancel_reason) == (CallState.CANCELLED, "Fel fond vald.")
    assert "Fel fond vald." in text_of(admin_client.get(f"/calls/{call.pk}/"))


def test_editing_a_published_call_refuses_an_earlier_deadline_on_the_field(admin_client, call_in):
    call = call_in(CallState.PUBLISHED)
    earlier = (call.application_deadline - dt.timedelta(days=1)).isoformat()
    data = call_data(
        call.fund,
        timezone.localdate(),
        title=call.title,
        idea_sketch_deadline=call.idea_sketch_deadline.isoformat(),
        application_deadline=earlier,
    )
    response = admin_client.post(f"/calls/{call.pk}/edit/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["application_deadline"]
    assert f'value="{earlier}"' in response.content.decode()
    assert Call.objects.get(pk=call.pk).application_deadline == call.application_deadline


def test_applicant_sees_published_calls_but_not_drafts(applicant_client, make_call, fund_admin):
    draft = make_call(title="Hemligt utkast")
    published = services.call_publish(actor=fund_admin, call=make_call(title="Öppen utlysning"))
    cancelled = services.call_cancel(
        actor=fund_admin,
        call=services.call_publish(actor=fund_admin, call=make_call(title="Inställd")),
        reason="Medlen drogs in.",
    )
    response = applicant_client.get("/calls/")
    assert response.status_code == 200
    shown = {call.pk for call in response.context["page"].object_list}
    assert shown == {published.pk, cancelled.pk}
    assert "Öppen utlysning" in text_of(response)
    assert "Hemligt utkast" not in text_of(response)
    assert applicant_client.get(f"/calls/{published.pk}/").status_code == 200
    assert applicant_client.get(f"/calls/{cancelled.pk}/").status_code == 200
    assert applicant_client.get(f"/calls/{draft.pk}/").status_code == 404
    assert applicant_client.get(f"/calls/{draft.pk + 999}/").status_code == 404


def test_applicant_cannot_manage(applicant_client, make_call, fund_admin, fund, today):
    draft = make_call()
    published = services.call_publish(actor=fund_admin, call=make_call())
    assert applicant_client.get("/calls/new/").status_code == 403
    assert applicant_client.post("/calls/new/", call_data(fund, today)).status_code == 403
    assert applicant_client.post(f"/calls/{draft.pk}/publish/").status_code == 404
    assert applicant_client.post(f"/calls/{published.pk}/decide/").status_code == 403
    reason = {"reason": "Jag vill inte."}
    assert applicant_client.post(f"/calls/{published.pk}/cancel/", reason).status_code == 403
    assert applicant_client.get(f"/calls/{published.pk}/edit/").status_code == 403
    assert Call.objects.get(pk=draft.pk).state == CallState.DRAFT
    assert Call.objects.get(pk=published.pk).state == CallState.PUBLISHED
    assert Call.objects.count() == 2
    page = text_of(applicant_client.get(f"/calls/{published.pk}/"))
    assert f"/calls/{published.pk}/edit/" not in page
    assert f"/calls/{published.pk}/cancel/" not in page


def test_fund_admin_sees_drafts(admin_client, make_call):
    draft = make_call(title="Mitt utkast")
    response = admin_client.get("/calls/")
    assert [call.pk for call in response.context["page"].object_list] == [draft.pk]
    assert "Mitt utkast" in text_of(response)
    detail = admin_client.get(f"/calls/{draft.pk}/")
    assert detail.status_code == 200
    assert f"/calls/{draft.pk}/publish/" in detail.content.decode()


def test_anonymous_is_sent_to_log_in(client, make_call):
    call = make_call()
    for url in ("/calls/", f"/calls/{call.pk}/", "/calls/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"] or "accounts" in response["Location"]


# --- Guidance documents ------------------------------------------------------------------------


def test_the_pdf_fixture_is_a_pdf_and_the_exe_is_not():
    assert ".pdf" in {match.extension for match in puremagic.magic_string(PDF)}
    assert ".pdf" not in {match.extension for match in puremagic.magic_string(EXE)}


def upload(client, call, name, content, title="Vägledning för sökande"):
    return client.post(
        f"/calls/{call.pk}/documents/new/",
        {
            "title": title,
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "idempotency_key": str(uuid.uuid4()),
        },
    )


def download(client, call, document):
    return client.get(f"/calls/{call.pk}/documents/{document.pk}/")


def body_of(response) -> bytes:
    """The whole download; consuming it closes the file (the test client wraps the close)."""
    return b"".join(response.streaming_content)


def test_upload_and_download_after_publishing(
    admin_client, client, applicant, make_call, fund_admin, media_root
):
    call = make_call()
    response = upload(admin_client, call, "guide.pdf", PDF)
    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/"
    document = CallDocument.objects.get()
    assert document.title == "Vägledning för sökande"
    assert document.original_name == "guide.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.uploaded_by == fund_admin
    assert "guide" not in document.file.name  # stored under a random name
    assert stored_files(media_root) == [Path(document.file.path)]
    assert Event.objects.for_target(call).first().action == "call.document_added"

    services.call_publish(actor=fund_admin, call=call)
    client.force_login(applicant)
    response = download(client, call, document)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert body_of(response) == PDF
    assert "Vägledning för sökande" in text_of(client.get(f"/calls/{call.pk}/"))


def test_an_executable_named_pdf_is_refused(admin_client, make_call, media_root):
    call = make_call()
    response = upload(admin_client, call, "guide.pdf", EXE)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["file"]
    assert errors["file"][0] in text_of(response)
    assert not CallDocument.objects.exists()
    assert stored_files(media_root) == []
    assert not Event.objects.filter(action="call.document_added").exists()


def test_a_zip_archive_named_docx_is_refused(admin_client, make_call, media_root):
    """A ZIP archive holding a program is not a Word document, whatever its name says."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("setup.exe", EXE)
    response = upload(admin_client, make_call(), "guide.docx", archive.getvalue())
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not CallDocument.objects.exists()
    assert stored_files(media_root) == []


def test_a_swedish_file_name_is_kept_for_the_download(admin_client, make_call):
    call = make_call()
    assert upload(admin_client, call, "Vägledning 2027.pdf", PDF).status_code == 302
    document = CallDocument.objects.get()
    assert document.original_name == "Vägledning_2027.pdf"
    response = download(admin_client, call, document)
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''V%C3%A4gledning_2027.pdf"
    )
    assert body_of(response) == PDF


@pytest.mark.parametrize("name", ["guide.exe", "guide", "guide.pdf.exe", ".pdf"])
def test_a_name_of_a_type_not_allowed_is_refused(admin_client, make_call, media_root, name):
    call = make_call()
    response = upload(admin_client, call, name, PDF)
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not CallDocument.objects.exists()
    assert stored_files(media_root) == []


def test_a_path_in_the_file_name_is_not_kept(
    admin_client, client, applicant, make_call, fund_admin, media_root
):
    call = make_call()
    assert upload(admin_client, call, "../../etc/passwd.pdf", PDF).status_code == 302
    document = CallDocument.objects.get()
    assert "/" not in document.original_name
    assert "\\" not in document.original_name
    assert ".." not in document.original_name
    assert document.original_name == "passwd.pdf"
    assert ".." not in document.file.name
    assert Path(document.file.path).resolve().is_relative_to(media_root.resolve())
    services.call_publish(actor=fund_admin, call=call)
    client.force_login(applicant)
    response = download(client, call, document)
    assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'
    assert body_of(response) == PDF


def test_a_path_in_the_file_name_is_not_kept_by_the_service(make_call, fund_admin):
    uploaded = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
    uploaded._name = "..\\..\\windows\\evil.pdf"  # past UploadedFile's own basename
    document = services.call_document_add(
        actor=fund_admin, call=make_call(), title="", uploaded=uploaded
    )
    assert document.original_name == "evil.pdf"
    assert document.title == "evil.pdf"  # an empty title takes the file name


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.pdf", "system.pdf"),
        ("C:\\Users\\ada\\Vägledning 2027.pdf", "Vägledning_2027.pdf"),
        ("...pdf", "pdf"),
        ("a/b/../..", ""),
    ],
)
def test_safe_names(raw, safe):
    name = safe_name(raw)
    assert name == safe
    assert "/" not in name
    assert "\\" not in name
    assert ".." not in name


def test_a_file_over_the_limit_is_refused(admin_client, make_call, media_root):
    call = make_call()
    content = PDF + b"0" * (int(1.1 * MB) - len(PDF))
    with override_settings(FONDADMIN_MAX_UPLOAD_MB=1):
        response = upload(admin_client, call, "stor.pdf", content)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert not CallDocument.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_at_the_limit_is_accepted(admin_client, make_call):
    call = make_call()
    content = PDF + b"0" * (MB - len(PDF))
    with override_settings(FONDADMIN_MAX_UPLOAD_MB=1):
        assert upload(admin_client, call, "precis.pdf", content).status_code == 302
    assert CallDocument.objects.get().size == MB


def test_a_withdrawn_document_is_gone_for_applicants(
    admin_client, client, applicant, make_call, fund_admin
):
    call = make_call()
    upload(admin_client, call, "guide.pdf", PDF)
    document = CallDocument.objects.get()
    services.call_publish(actor=fund_admin, call=call)
    response = admin_client.post(f"/calls/{call.pk}/documents/{document.pk}/withdraw/")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.withdrawn_at is not None
    assert Event.objects.for_target(call).first().action == "call.document_withdrawn"
    # The administrators still reach it (the record is kept); applicants do not.
    assert body_of(download(admin_client, call, document)) == PDF
    client.force_login(applicant)
    assert download(client, call, document).status_code == 404
    page = client.get(f"/calls/{call.pk}/")
    assert f"/documents/{document.pk}/" not in page.content.decode()
    assert "Vägledning för sökande" not in text_of(page)


def test_a_document_of_a_draft_is_not_reachable_by_applicants(
    admin_client, client, applicant, make_call
):
    call = make_call()
    upload(admin_client, call, "guide.pdf", PDF)
    document = CallDocument.objects.get()
    assert body_of(download(admin_client, call, document)) == PDF
    client.force_login(applicant)
    assert download(client, call, document).status_code == 404


def test_a_document_is_reached_only_through_its_own_call(
    admin_client, client, applicant, make_call, fund_admin
):
    draft = make_call()
    published = services.call_publish(actor=fund_admin, call=make_call())
    upload(admin_client, draft, "guide.pdf", PDF)
    document = CallDocument.objects.get()
    client.force_login(applicant)
    assert download(client, published, document).status_code == 404


def test_applicants_cannot_upload_or_withdraw(
    admin_client, client, applicant, make_call, fund_admin, media_root
):
    call = make_call()
    upload(admin_client, call, "guide.pdf", PDF)
    document = CallDocument.objects.get()
    services.call_publish(actor=fund_admin, call=call)
    client.force_login(applicant)
    assert upload(client, call, "mitt.pdf", PDF).status_code == 403
    withdraw = f"/calls/{call.pk}/documents/{document.pk}/withdraw/"
    assert client.post(withdraw).status_code == 403
    assert CallDocument.objects.count() == 1
    assert CallDocument.objects.get().withdrawn_at is None
    assert len(stored_files(media_root)) == 1


def test_documents_of_a_decided_call_cannot_be_added_or_withdrawn(
    admin_client, call_in, fund_admin, media_root
):
    call = call_in(CallState.PUBLISHED)
    upload(admin_client, call, "guide.pdf", PDF)
    document = CallDocument.objects.get()
    after = noon(call.application_deadline + dt.timedelta(days=1))
    services.call_decide(actor=fund_admin, call=call, at=after)
    response = upload(admin_client, call, "sen.pdf", PDF)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    admin_client.post(f"/calls/{call.pk}/documents/{document.pk}/withdraw/")
    assert CallDocument.objects.get().withdrawn_at is None
    assert CallDocument.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_a_repeated_upload_stores_one_document(admin_client, make_call, media_root):
    call = make_call()
    data = {"title": "Guide", "idempotency_key": str(uuid.uuid4())}
    for _ in range(2):
        file = SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf")
        assert (
            admin_client.post(f"/calls/{call.pk}/documents/new/", data | {"file": file}).status_code
            == 302
        )
    assert CallDocument.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_no_files_are_left_in_the_real_media_root(settings, media_root):
    assert Path(settings.MEDIA_ROOT) == media_root


# --- The stored-file helpers (core.files.store_upload, core.http.file_download) ----------------


def test_a_stored_file_keeps_its_checked_type_and_downloads_under_its_name(open_call, fund_admin):
    upload = SimpleUploadedFile("../../Riktlinjer 2026.pdf", b"%PDF-1.4\n%%EOF\n")
    document = store_upload(CallDocument(call=open_call), upload, title="  ", by=fund_admin)
    document.refresh_from_db()
    assert (document.title, document.original_name) == ("Riktlinjer_2026.pdf",) * 2
    assert (document.content_type, document.size) == ("application/pdf", 15)
    assert document.uploaded_by == fund_admin
    assert "Riktlinjer" not in document.file.name  # stored under a random name
    response = file_download(document)
    assert response["Content-Disposition"] == 'attachment; filename="Riktlinjer_2026.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def test_a_refused_file_stores_nothing(open_call, fund_admin):
    with pytest.raises(DomainError) as refused:
        store_upload(
            CallDocument(call=open_call),
            SimpleUploadedFile("skript.pdf", b"#!/bin/sh\necho hej\n"),
            by=fund_admin,
        )
    assert refused.value.field == "file"
    assert not CallDocument.objects.exists()
    assert Call.objects.count() == 1
